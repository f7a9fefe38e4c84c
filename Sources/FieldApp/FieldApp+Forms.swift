import Casework
import ChangeLog
import Hummingbird
import Replica

extension FieldApp {
    func addFormRoutes(to router: Router<AppRequestContext>) {
        addPlanFormRoutes(to: router)
        router.get("/clients/{client}/notes/new") { request, context in
            try await self.noteForm(request, context: context, client: try self.clientId(context), noteId: nil)
        }
        router.post("/clients/{client}/notes") { request, context in
            try await self.saveNote(request, context: context, client: try self.clientId(context), noteId: nil)
        }
        router.get("/clients/{client}/notes/{note}/edit") { request, context in
            try await self.noteForm(
                request, context: context, client: try self.clientId(context), noteId: context.parameters.get("note"))
        }
        router.post("/clients/{client}/notes/{note}") { request, context in
            try await self.saveNote(
                request, context: context, client: try self.clientId(context), noteId: context.parameters.get("note"))
        }
        router.get("/clients/{client}/assessments/new") { request, context in
            try await self.assessmentForm(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/assessments") { request, context in
            try await self.saveAssessment(request, context: context, client: try self.clientId(context))
        }
        router.get("/clients/{client}/interventions/new") { request, context in
            try await self.interventionForm(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/interventions") { request, context in
            try await self.saveIntervention(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/interventions/{intervention}/end") { request, context in
            try await self.endIntervention(request, context: context, client: try self.clientId(context))
        }
        router.get("/clients/{client}/agreements/new") { request, context in
            try await self.agreementForm(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/agreements") { request, context in
            try await self.saveAgreement(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/agreements/{agreement}/status") { request, context in
            try await self.setAgreementStatus(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/signals") { request, context in
            try await self.acknowledgeSignal(request, context: context, client: try self.clientId(context))
        }
        router.post("/review/refused/{change}/seen") { request, context in
            _ = try await FormData.read(request, context: context, token: self.configuration.formToken)
            guard let id = context.parameters.get("change") else { throw AppError.notFound }
            do {
                try await self.replica.acknowledgeRejected([id])
            } catch let error as ReplicaError {
                throw AppError.missing(error) ?? error
            }
            return Self.redirect("/review")
        }
        router.post("/sync") { request, context in
            _ = try await FormData.read(request, context: context, token: self.configuration.formToken)
            await self.background.syncNow()
            return Self.redirect("/sync?requested=1")
        }
        // "Lock now": every session ends at once and the replica's keys leave memory; a new link is printed
        // where the app runs, and the passphrase is asked again after it.
        router.post("/lock") { request, context in
            _ = try await FormData.read(request, context: context, token: self.configuration.formToken)
            let cookieName = AppGuard.sessionCookie(port: self.listening.port)
            try self.replica.lock()
            let key = self.sessions.lock()
            self.announce(self.url(key: key))
            var response = ErrorPage.response(.locked, language: context.language)
            response.setCookie(Cookie(name: cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("/language") { request, context in
            let form = try await FormData.read(request, context: context, token: self.configuration.formToken)
            guard let language = form["to"].flatMap(Language.init(rawValue:)) else { throw AppError.badForm }
            var response = Self.redirect(Self.localPath(form["back"]))
            response.setCookie(Cookie(
                name: AppGuard.languageCookie, value: language.rawValue, maxAge: 365 * 86_400, path: "/",
                httpOnly: true, sameSite: .strict))
            return response
        }
    }

    /// A form's "back" field if it is a path of this app, else `/`: never a redirect elsewhere.
    static func localPath(_ back: String?) -> String {
        guard let back, back.hasPrefix("/"), !back.hasPrefix("//"), !back.contains("\\") else { return "/" }
        return back
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// After a write: sync at once (it is sent now when online) and show the journey with a message.
    func saved(_ client: String, anchor: String? = nil) async -> Response {
        await background.syncNow()
        return Self.redirect("/clients/\(client)?saved=1" + (anchor.map { "#\($0)" } ?? ""))
    }

    /// The client's name, or ``AppError/notFound`` when the client is not in this replica.
    func clientName(_ client: String, language: Language) async throws -> String {
        guard let summary = try await replica.clients().first(where: { $0.id == client }) else {
            throw AppError.notFound
        }
        return summary.name ?? AppText(language)["registrationPending"]
    }

    /// Renders a form page; with errors it answers 422 Unprocessable Content, and nothing was stored.
    func formPage(
        _ template: String, model: [String: Any], title: String, errors: FormErrors, request: Request,
        context: AppRequestContext
    ) async throws -> Response {
        var model = model
        model["csrf"] = configuration.formToken
        model["errors"] = errors.list
        model["hasErrors"] = !errors.list.isEmpty
        for (field, message) in errors.byField { model[field + "Error"] = message }
        return PageRenderer.page(
            template, model: model, title: title, layout: try await layout(request, context: context, current: ""),
            status: errors.list.isEmpty ? .ok : .unprocessableContent)
    }

    /// Runs the write of a form that passed its checks and answers "saved", showing the client's page at the
    /// anchor `write` returns. A write the replica refuses becomes an error of the form instead: the answer is
    /// then `nil`, and the caller shows the form again.
    func save(_ client: String, errors: inout FormErrors, _ write: () async throws -> String) async throws -> Response? {
        do {
            return await saved(client, anchor: try await write())
        } catch let error as ReplicaError {
            try errors.refused(error)
            return nil
        }
    }

    /// Runs a write of a button form; an unknown entity or client is a 404, a refused write an error page.
    /// An inline status form (agreement, sub-goal, vacancy): the entity's id from the path parameter `entity`,
    /// its new status from the form (an unknown one is a bad form), written by `write`; back to `anchor`.
    func setStatus<Status: RawRepresentable & Sendable>(
        _ request: Request, context: AppRequestContext, client: String, entity: String, anchor: String,
        _ write: @escaping @Sendable (Replica, String, Status) async throws -> Void
    ) async throws -> Response where Status.RawValue == String {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        guard let id = context.parameters.get(entity) else { throw AppError.notFound }
        guard let status = form["status"].flatMap(Status.init(rawValue:)) else { throw AppError.badForm }
        try await writeOrFail(context) { try await write(self.replica, id, status) }
        return await saved(client, anchor: anchor)
    }

    func writeOrFail(_ context: AppRequestContext, _ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch let error as ReplicaError {
            if let missing = AppError.missing(error) { throw missing }
            throw AppError(
                status: .unprocessableContent, headingKey: "errorTitle", messageKey: "errorTitle", showHome: true,
                detail: AppText(context.language).describe(error.code))
        }
    }

    /// Select or checkbox options of a vocabulary, in the language, with the chosen ones marked.
    func options<Value: RawRepresentable & Labelled>(
        _ values: [Value], chosen: some Collection<String>, language: Language
    ) -> [[String: Any]] where Value.RawValue == String {
        values.map { ["value": $0.rawValue, "label": $0.label(in: language), "selected": chosen.contains($0.rawValue)] }
    }
}
