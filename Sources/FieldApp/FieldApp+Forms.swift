import Casework
import ChangeLog
import Hummingbird
import Replica

extension FieldApp {
    func addFormRoutes(to router: Router<AppRequestContext>) {
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
            } catch let error as ReplicaError where error.code == ReplicaError.unknownEntity {
                throw AppError.notFound
            }
            return Self.redirect("/review")
        }
        router.post("/sync") { request, context in
            _ = try await FormData.read(request, context: context, token: self.configuration.formToken)
            await self.background.syncNow()
            return Self.redirect("/sync?requested=1")
        }
        router.post("/language") { request, context in
            let form = try await FormData.read(request, context: context, token: self.configuration.formToken)
            guard let language = form["to"].flatMap(Language.init(rawValue:)) else { throw AppError.badForm }
            // Only a path of this app: never a redirect elsewhere.
            let back = form["back"].flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") && !$0.contains("\\") ? $0 : nil }
            var response = Self.redirect(back ?? "/")
            response.setCookie(Cookie(
                name: AppGuard.languageCookie, value: language.rawValue, maxAge: 365 * 86_400, path: "/",
                httpOnly: true, sameSite: .strict))
            return response
        }
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

    // MARK: Notes

    func noteForm(
        _ request: Request, context: AppRequestContext, client: String, noteId: String?,
        form: FormData? = nil, errors: FormErrors = FormErrors()
    ) async throws -> Response {
        let language = context.language
        let text = AppText(language)
        let name = try await clientName(client, language: language)
        var current: NoteView?
        if let noteId {
            let journey = try await replica.journey(clientId: client, settings: configuration.forceField)
            let me = try await replica.identity().professional
            guard let note = journey.notes.first(where: { $0.id == noteId }), note.by.id == me.id else {
                throw AppError.notFound
            }
            current = note
        }
        let chosenBehaviour = form.map { $0["behaviour"] } ?? current?.current.behaviour?.rawValue
        let chosenDeterminants = Set(form?.all("determinant") ?? current?.current.determinants.map(\.rawValue) ?? [])
        let visibility = form?["visibility"] ?? NoteVisibility.team.rawValue
        let versions = current.map { note in
            note.conflicted ? note.revisions.filter(\.isHead).map { ["at": time($0.at), "text": $0.text] } : []
        } ?? []
        let model: [String: Any] = [
            "heading": noteId == nil ? text["writeNote"] : text["editNote"],
            "hint": noteId == nil ? text["noteTextHelp"] : text["editNoteHelp"],
            "clientId": client, "clientName": name,
            "action": noteId.map { "/clients/\(client)/notes/\($0)" } ?? "/clients/\(client)/notes",
            "text": form?.fields["text"]?.first ?? current?.current.text ?? "",
            "behaviours": options(CoreBehaviour.allCases, chosen: [chosenBehaviour].compactMap { $0 }, language: language),
            "determinantOptions": options(Determinant.allCases, chosen: chosenDeterminants, language: language),
            "showVisibility": noteId == nil,
            "visibilities": [NoteVisibility.team, .discipline].map {
                [
                    "value": $0.rawValue, "selected": $0.rawValue == visibility,
                    "label": $0 == .team ? text["visibilityTeam"] : text["visibilityDiscipline"],
                ] as [String: Any]
            },
            "versions": versions, "hasVersions": !versions.isEmpty,
        ]
        return try await formPage(
            "noteForm", model: model, title: model["heading"] as? String ?? "", errors: errors, request: request,
            context: context)
    }

    func saveNote(_ request: Request, context: AppRequestContext, client: String, noteId: String?) async throws
        -> Response
    {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        var errors = FormErrors(language: context.language)
        let text = form.fields["text"]?.first ?? ""
        if !TextRules.hasContent(text) {
            errors.add("text", nl: "Schrijf de tekst van de notitie.", en: "Write the text of the note.")
        } else if text.utf8.count > CaseworkLimits.maxNoteTextBytes {
            errors.add(
                "text", nl: "De notitie is te lang (meer dan 32 kB); splits haar in twee notities.",
                en: "The note is too long (over 32 kB); split it into two notes.")
        }
        let behaviour = errors.parse(form["behaviour"], as: CoreBehaviour.self, field: "behaviour")
        let determinants = errors.parseAll(form.all("determinant"), as: Determinant.self, field: "determinant")
        let visibility = errors.parse(form["visibility"], as: NoteVisibility.self, field: "visibility") ?? .team
        if errors.isEmpty {
            do {
                if let noteId {
                    _ = try await replica.reviseNote(
                        noteId: noteId, text: text, behaviour: .some(behaviour), determinants: determinants)
                    return await saved(client, anchor: "note-\(noteId)")
                }
                let id = try await replica.addNote(
                    clientId: client,
                    NoteContent(text: text, behaviour: behaviour, determinants: determinants, visibility: visibility))
                return await saved(client, anchor: "note-\(id)")
            } catch let error as ReplicaError {
                try errors.refused(error)
            }
        }
        return try await noteForm(request, context: context, client: client, noteId: noteId, form: form, errors: errors)
    }

    // MARK: Assessments

    func assessmentForm(
        _ request: Request, context: AppRequestContext, client: String, form: FormData? = nil,
        errors: FormErrors = FormErrors()
    ) async throws -> Response {
        let language = context.language
        let text = AppText(language)
        let score = form?["score"]
        let model: [String: Any] = [
            "clientId": client, "clientName": try await clientName(client, language: language),
            "determinantOptions": options(Determinant.allCases, chosen: [form?["determinant"]].compactMap { $0 }, language: language),
            "behaviours": options(CoreBehaviour.allCases, chosen: [form?["behaviour"]].compactMap { $0 }, language: language),
            "scores": (["1", "2", "3", "4", "5", "unknown"]).map {
                ["value": $0, "label": $0 == "unknown" ? text["scoreUnknown"] : $0, "selected": $0 == score] as [String: Any]
            },
        ]
        return try await formPage(
            "assessmentForm", model: model, title: text["recordAssessment"], errors: errors, request: request,
            context: context)
    }

    func saveAssessment(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        var errors = FormErrors(language: context.language)
        let determinant = errors.parse(form["determinant"], as: Determinant.self, field: "determinant")
        if form["determinant"] == nil {
            errors.add("determinant", nl: "Kies de determinant.", en: "Choose the determinant.")
        }
        let score = form["score"].flatMap(AssessmentScore.init)
        if score == nil {
            errors.add("score", nl: "Kies een score van 1 tot 5, of onbekend.", en: "Choose a score from 1 to 5, or unknown.")
        }
        let behaviour = errors.parse(form["behaviour"], as: CoreBehaviour.self, field: "behaviour")
        if errors.isEmpty, let determinant, let score {
            do {
                _ = try await replica.recordAssessment(
                    clientId: client, Assessment(determinant: determinant, score: score, behaviour: behaviour))
                return await saved(client, anchor: "matrix")
            } catch let error as ReplicaError {
                try errors.refused(error)
            }
        }
        return try await assessmentForm(request, context: context, client: client, form: form, errors: errors)
    }

    // MARK: Interventions

    func interventionForm(
        _ request: Request, context: AppRequestContext, client: String, form: FormData? = nil,
        errors: FormErrors = FormErrors()
    ) async throws -> Response {
        let language = context.language
        let text = AppText(language)
        let status = form?["status"] ?? InterventionStatus.active.rawValue
        let model: [String: Any] = [
            "clientId": client, "clientName": try await clientName(client, language: language),
            "kinds": InterventionCatalogue.kinds.map {
                [
                    "value": $0.code, "label": InterventionCatalogue.label(of: $0.code, in: language),
                    "selected": $0.code == form?["kind"],
                ] as [String: Any]
            },
            "valences": options(Valence.allCases, chosen: [form?["valence"]].compactMap { $0 }, language: language),
            "determinantOptions": options(Determinant.allCases, chosen: Set(form?.all("target") ?? []), language: language),
            "behaviours": options(CoreBehaviour.allCases, chosen: [form?["behaviour"]].compactMap { $0 }, language: language),
            "statuses": [InterventionStatus.active, .planned].map {
                ["value": $0.rawValue, "label": $0.label(in: language), "selected": $0.rawValue == status] as [String: Any]
            },
        ]
        return try await formPage(
            "interventionForm", model: model, title: text["startIntervention"], errors: errors, request: request,
            context: context)
    }

    func saveIntervention(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        var errors = FormErrors(language: context.language)
        let kind = form["kind"].flatMap(InterventionCatalogue.kind)
        if kind == nil {
            errors.add("kind", nl: "Kies het soort interventie.", en: "Choose the kind of intervention.")
        }
        let valence = errors.parse(form["valence"], as: Valence.self, field: "valence")
        let targets = errors.parseAll(form.all("target"), as: Determinant.self, field: "target")
        let behaviour = errors.parse(form["behaviour"], as: CoreBehaviour.self, field: "behaviour")
        let status = errors.parse(form["status"], as: InterventionStatus.self, field: "status") ?? .active
        if status == .ended {
            errors.add("status", nl: "Een nieuwe interventie is gepland of loopt.", en: "A new intervention is planned or active.")
        }
        if errors.isEmpty, let kind {
            do {
                _ = try await replica.startIntervention(
                    clientId: client,
                    InterventionPlan(
                        kind: kind.code, valence: valence ?? kind.valence, targets: targets.isEmpty ? kind.targets : targets,
                        behaviour: behaviour ?? kind.behaviour, status: status))
                return await saved(client, anchor: "interventions")
            } catch let error as ReplicaError {
                try errors.refused(error)
            }
        }
        return try await interventionForm(request, context: context, client: client, form: form, errors: errors)
    }

    func endIntervention(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        _ = try await FormData.read(request, context: context, token: configuration.formToken)
        guard let id = context.parameters.get("intervention") else { throw AppError.notFound }
        try await writeOrFail(context) { _ = try await self.replica.endIntervention(interventionId: id) }
        return await saved(client, anchor: "interventions")
    }

    // MARK: Agreements

    func agreementForm(
        _ request: Request, context: AppRequestContext, client: String, form: FormData? = nil,
        errors: FormErrors = FormErrors()
    ) async throws -> Response {
        let language = context.language
        let text = AppText(language)
        let me = try await replica.identity().professional
        let responsible = form?["responsible"] ?? Responsible.client.code
        let choices: [Responsible] = [.client] + Discipline.allCases.map { .discipline($0) }
        let model: [String: Any] = [
            "clientId": client, "clientName": try await clientName(client, language: language),
            "text": form?.fields["text"]?.first ?? "", "due": form?.fields["due"]?.first ?? "",
            "responsibles": choices.map {
                [
                    "value": $0.code, "selected": $0.code == responsible,
                    "label": $0 == .client ? text["responsibleClient"] : $0.label(in: language).capitalizedFirst
                        + ($0 == .discipline(me.discipline) ? " (\(me.name))" : ""),
                ] as [String: Any]
            },
            "behaviours": options(CoreBehaviour.allCases, chosen: [form?["behaviour"]].compactMap { $0 }, language: language),
        ]
        return try await formPage(
            "agreementForm", model: model, title: text["addAgreement"], errors: errors, request: request, context: context)
    }

    func saveAgreement(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        var errors = FormErrors(language: context.language)
        let text = form["text"] ?? ""
        if !TextRules.hasContent(text) {
            errors.add("text", nl: "Schrijf wat er is afgesproken.", en: "Write what was agreed.")
        } else if text.count > CaseworkLimits.maxAgreementLength || !TextRules.isSingleLine(text) {
            errors.add(
                "text", nl: "Schrijf de afspraak op één regel van hoogstens 500 tekens.",
                en: "Write the agreement on one line of at most 500 characters.")
        }
        let responsible = form["responsible"].flatMap(Responsible.init(code:))
        if responsible == nil {
            errors.add("responsible", nl: "Kies wie verantwoordelijk is.", en: "Choose who is responsible.")
        }
        var due: CalendarDate?
        if let given = form["due"] {
            due = Self.parseDate(given)
            if due == nil {
                errors.add(
                    "due", nl: "Geef de datum als dag-maand-jaar, bijvoorbeeld 31-12-2026.",
                    en: "Give the date as day-month-year, for example 31-12-2026.")
            }
        }
        let behaviour = errors.parse(form["behaviour"], as: CoreBehaviour.self, field: "behaviour")
        if errors.isEmpty, let responsible {
            do {
                _ = try await replica.addAgreement(
                    clientId: client, Agreement(text: text, responsible: responsible, due: due, behaviour: behaviour))
                return await saved(client, anchor: "plan")
            } catch let error as ReplicaError {
                try errors.refused(error)
            }
        }
        return try await agreementForm(request, context: context, client: client, form: form, errors: errors)
    }

    /// `31-12-2026` (Dutch order, also with one-digit day or month) or `2026-12-31`; a real date only.
    static func parseDate(_ text: String) -> CalendarDate? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0) != nil }) else {
            return nil
        }
        func pad(_ part: String) -> String { part.count == 1 ? "0" + part : part }
        if parts[0].count == 4 { return CalendarDate("\(parts[0])-\(pad(parts[1]))-\(pad(parts[2]))") }
        guard parts[2].count == 4 else { return nil }
        return CalendarDate("\(parts[2])-\(pad(parts[1]))-\(pad(parts[0]))")
    }

    func setAgreementStatus(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        guard let id = context.parameters.get("agreement") else { throw AppError.notFound }
        guard let status = form["status"].flatMap(AgreementStatus.init(rawValue:)) else { throw AppError.badForm }
        try await writeOrFail(context) {
            _ = try await self.replica.updateAgreement(agreementId: id) { $0.status = status }
        }
        return await saved(client, anchor: "plan")
    }

    // MARK: Signals

    func acknowledgeSignal(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        guard let key = form["key"] else { throw AppError.badForm }
        guard let reason = form["reason"], reason.count <= CaseworkLimits.maxLineLength, TextRules.isSingleLine(reason)
        else {
            let text = AppText(context.language)
            let message = context.language == .nl
                ? "Geef een korte reden (één regel, hoogstens 200 tekens) om het signaal af te handelen; er is niets opgeslagen."
                : "Give a short reason (one line, at most 200 characters) to acknowledge the signal; nothing was saved."
            let layout = try await layout(request, context: context, current: "")
            return PageRenderer.page(
                "error", model: ["heading": text["acknowledge"], "message": message, "showHome": true],
                title: text["acknowledge"], layout: layout, status: .unprocessableContent)
        }
        try await writeOrFail(context) {
            _ = try await self.replica.acknowledgeSignal(
                clientId: client, key: key, reason: reason, settings: self.configuration.forceField)
        }
        return await saved(client, anchor: "signals")
    }

    /// Runs a write of a button form; an unknown entity or client is a 404, a refused write an error page.
    private func writeOrFail(_ context: AppRequestContext, _ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch let error as ReplicaError {
            if [ReplicaError.unknownEntity, ReplicaError.unknownClient, "unknownSignal"].contains(error.code) {
                throw AppError.notFound
            }
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
