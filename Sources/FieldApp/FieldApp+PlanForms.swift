import Casework
import Foundation
import Hummingbird
import Replica

/// The forms of the plan and the hand-overs: sub-goals, referrals and vacancies, so no screen sends a
/// professional to the command line.
extension FieldApp {
    func addPlanFormRoutes(to router: Router<AppRequestContext>) {
        router.post("/clients/{client}/interventions/{intervention}/activate") { request, context in
            try await self.activateIntervention(request, context: context, client: try self.clientId(context))
        }
        router.get("/clients/{client}/contact/edit") { request, context in
            try await self.contactForm(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/contact") { request, context in
            try await self.saveContact(request, context: context, client: try self.clientId(context))
        }
        router.get("/clients/{client}/goals/new") { request, context in
            try await self.goalForm(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/goals") { request, context in
            try await self.saveGoal(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/goals/{goal}/status") { request, context in
            try await self.setGoalStatus(request, context: context, client: try self.clientId(context))
        }
        router.get("/clients/{client}/referrals/new") { request, context in
            try await self.referralForm(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/referrals") { request, context in
            try await self.saveReferral(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/referrals/{referral}/answer") { request, context in
            try await self.answerReferral(request, context: context, client: try self.clientId(context))
        }
        router.get("/clients/{client}/vacancies/new") { request, context in
            try await self.vacancyForm(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/vacancies") { request, context in
            try await self.saveVacancy(request, context: context, client: try self.clientId(context))
        }
        router.post("/clients/{client}/vacancies/{vacancy}/status") { request, context in
            try await self.setVacancyStatus(request, context: context, client: try self.clientId(context))
        }
    }

    // MARK: Interventions and contact details

    func activateIntervention(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        _ = try await FormData.read(request, context: context, token: configuration.formToken)
        guard let id = context.parameters.get("intervention") else { throw AppError.notFound }
        try await writeOrFail(context) { _ = try await self.replica.updateIntervention(interventionId: id, status: .active) }
        return await saved(client, anchor: "interventions")
    }

    func contactForm(
        _ request: Request, context: AppRequestContext, client: String, form: FormData? = nil,
        errors: FormErrors = FormErrors()
    ) async throws -> Response {
        let language = context.language
        let current = try await replica.journey(clientId: client).client.contact
        let model: [String: Any] = [
            "clientId": client, "clientName": try await clientName(client, language: language),
            "fields": ContactField.allCases.map { field -> [String: Any] in
                var model: [String: Any] = [
                    "name": field.rawValue, "label": field.label(in: language).capitalizedFirst, "maxLength": field.maxLength,
                    "value": form?.fields[field.rawValue]?.first
                        ?? current.first { $0.field == field }?.current.value ?? "",
                ]
                if let error = errors.byField[field.rawValue] { model["error"] = error }
                return model
            },
        ]
        return try await formPage(
            "contactForm", model: model, title: AppText(language)["editContact"], errors: errors, request: request,
            context: context)
    }

    /// Writes a revision of each contact field whose value changed (an emptied field is cleared).
    func saveContact(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        var errors = FormErrors(language: context.language)
        let current = try await replica.journey(clientId: client).client.contact
        var changes: [(ContactField, String?)] = []
        for field in ContactField.allCases {
            let value = oneLine(form[field.rawValue])
            guard TextRules.fits(value, characters: field.maxLength) else {
                errors.add(
                    field.rawValue, nl: "Schrijf dit in maximaal \(field.maxLength) tekens.",
                    en: "Write this in at most \(field.maxLength) characters.")
                continue
            }
            let new = TextRules.hasContent(value) ? value : nil
            let shown = current.first { $0.field == field }
            // A conflicted field is written again even unchanged: that settles it.
            if new != shown?.current.value || shown?.conflicted == true, new != nil || shown != nil {
                changes.append((field, new))
            }
        }
        if errors.isEmpty,
            let saved = try await save(client, errors: &errors, {
                for (field, value) in changes { _ = try await replica.setContact(clientId: client, field, to: value) }
                return "client-head"
            })
        {
            return saved
        }
        return try await contactForm(request, context: context, client: client, form: form, errors: errors)
    }

    // MARK: Sub-goals

    func goalForm(
        _ request: Request, context: AppRequestContext, client: String, form: FormData? = nil,
        errors: FormErrors = FormErrors()
    ) async throws -> Response {
        let language = context.language
        let text = AppText(language)
        let me = try await replica.identity().professional
        let owner = form?["owner"] ?? Responsible.discipline(me.discipline).code
        let model: [String: Any] = [
            "clientId": client, "clientName": try await clientName(client, language: language),
            "title": form?.fields["title"]?.first ?? "", "due": form?.fields["due"]?.first ?? "",
            "owners": responsibleOptions(chosen: owner, me: me, language: language),
            "behaviours": options(CoreBehaviour.allCases, chosen: [form?["behaviour"]].compactMap { $0 }, language: language),
            "determinantOptions": options(Determinant.allCases, chosen: Set(form?.all("target") ?? []), language: language),
        ]
        return try await formPage(
            "goalForm", model: model, title: text["addGoal"], errors: errors, request: request, context: context)
    }

    func saveGoal(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        var errors = FormErrors(language: context.language)
        let title = oneLine(form["title"])
        if !TextRules.hasContent(title) {
            errors.add("title", nl: "Schrijf wat er bereikt moet worden.", en: "Write what is to be reached.")
        } else if !TextRules.fits(title, characters: CaseworkLimits.maxLineLength) {
            errors.add("title", nl: "Schrijf het subdoel in maximaal 200 tekens.", en: "Write the sub-goal in at most 200 characters.")
        }
        let behaviour = errors.parse(form["behaviour"], as: CoreBehaviour.self, field: "behaviour")
        if form["behaviour"] == nil {
            errors.add("behaviour", nl: "Kies het kerngedrag dat het subdoel dient.", en: "Choose the core behaviour it serves.")
        }
        let targets = errors.parseAll(form.all("target"), as: Determinant.self, field: "target")
        if form.all("target").isEmpty {
            errors.add("target", nl: "Kies ten minste één determinant.", en: "Choose at least one determinant.")
        }
        let owner = form["owner"].flatMap(Responsible.init(code:))
        if owner == nil { errors.add("owner", nl: "Kies van wie het subdoel is.", en: "Choose whose sub-goal it is.") }
        let due = dueDate(form["due"], errors: &errors)
        if errors.isEmpty, let behaviour, let owner,
            let saved = try await save(client, errors: &errors, {
                _ = try await replica.addGoal(
                    clientId: client, SubGoal(title: title, behaviour: behaviour, targets: targets, owner: owner, due: due))
                return "plan"
            })
        {
            return saved
        }
        return try await goalForm(request, context: context, client: client, form: form, errors: errors)
    }

    func setGoalStatus(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        try await setStatus(request, context: context, client: client, entity: "goal", anchor: "plan") {
            (replica, id, status: GoalStatus) in _ = try await replica.updateGoal(goalId: id) { $0.status = status }
        }
    }

    // MARK: Referrals

    func referralForm(
        _ request: Request, context: AppRequestContext, client: String, form: FormData? = nil,
        errors: FormErrors = FormErrors()
    ) async throws -> Response {
        let language = context.language
        let me = try await replica.identity().professional
        let model: [String: Any] = [
            "clientId": client, "clientName": try await clientName(client, language: language),
            "reason": form?.fields["reason"]?.first ?? "",
            "disciplines": Discipline.allCases.filter { $0 != me.discipline }.map {
                ["value": $0.rawValue, "label": $0.label(in: language).capitalizedFirst, "selected": $0.rawValue == form?["to"]]
                    as [String: Any]
            },
        ]
        return try await formPage(
            "referralForm", model: model, title: AppText(language)["addReferral"], errors: errors, request: request,
            context: context)
    }

    func saveReferral(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        var errors = FormErrors(language: context.language)
        let to = errors.parse(form["to"], as: Discipline.self, field: "to")
        if form["to"] == nil {
            errors.add("to", nl: "Kies naar welke discipline je de klant verwijst.", en: "Choose the discipline to refer the client to.")
        }
        let reason = oneLine(form["reason"])
        if !TextRules.hasContent(reason) || !TextRules.fits(reason, characters: CaseworkLimits.maxLineLength) {
            errors.add("reason", nl: "Schrijf in maximaal 200 tekens waarom je verwijst.", en: "Write why, in at most 200 characters.")
        }
        if errors.isEmpty, let to,
            let saved = try await save(client, errors: &errors, {
                _ = try await replica.addReferral(clientId: client, Referral(to: to, reason: reason))
                return "referrals"
            })
        {
            return saved
        }
        return try await referralForm(request, context: context, client: client, form: form, errors: errors)
    }

    /// Accepts or declines a referral to the professional's discipline; declining needs a reason.
    func answerReferral(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        guard let id = context.parameters.get("referral") else { throw AppError.notFound }
        guard let status = form["status"].flatMap(ReferralStatus.init(rawValue:)), status != .open else {
            throw AppError.badForm
        }
        let reason = oneLine(form["reason"])
        guard (status == .accepted || TextRules.hasContent(reason)), TextRules.fits(reason, characters: CaseworkLimits.maxLineLength)
        else {
            let text = AppText(context.language)
            let message = context.language == .nl
                ? "De verwijzing is niet afgewezen: geef een korte reden (één regel, maximaal 200 tekens)."
                : "Give a short reason (one line, at most 200 characters) to decline the referral; nothing was saved."
            let layout = try await layout(request, context: context, current: "")
            return PageRenderer.page(
                "error", model: ["heading": text["referrals"], "message": message, "showHome": true],
                title: text["referrals"], layout: layout, status: .unprocessableContent)
        }
        try await writeOrFail(context) {
            _ = try await self.replica.answerReferral(
                referralId: id, ReferralAnswer(status: status, reason: TextRules.hasContent(reason) ? reason : nil))
        }
        return await saved(client, anchor: "referrals")
    }

    // MARK: Vacancies

    func vacancyForm(
        _ request: Request, context: AppRequestContext, client: String, form: FormData? = nil,
        errors: FormErrors = FormErrors()
    ) async throws -> Response {
        let language = context.language
        let status = form?["status"] ?? VacancyStatus.proposed.rawValue
        let model: [String: Any] = [
            "clientId": client, "clientName": try await clientName(client, language: language),
            "employer": form?.fields["employer"]?.first ?? "", "title": form?.fields["title"]?.first ?? "",
            "contact": form?.fields["contact"]?.first ?? "",
            "statuses": options(VacancyStatus.allCases, chosen: [status], language: language),
        ]
        return try await formPage(
            "vacancyForm", model: model, title: AppText(language)["addVacancy"], errors: errors, request: request,
            context: context)
    }

    func saveVacancy(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        var errors = FormErrors(language: context.language)
        let employer = oneLine(form["employer"])
        if !TextRules.hasContent(employer) || !TextRules.fits(employer, characters: CaseworkLimits.maxLineLength) {
            errors.add("employer", nl: "Schrijf de werkgever in maximaal 200 tekens.", en: "Write the employer, in at most 200 characters.")
        }
        let title = oneLine(form["title"])
        if !TextRules.hasContent(title) || !TextRules.fits(title, characters: CaseworkLimits.maxLineLength) {
            errors.add("title", nl: "Schrijf de functie in maximaal 200 tekens.", en: "Write the job, in at most 200 characters.")
        }
        let contact = oneLine(form["contact"])
        if !TextRules.fits(contact, characters: CaseworkLimits.maxLineLength) {
            errors.add("contact", nl: "Schrijf het contact in maximaal 200 tekens.", en: "Write the contact in at most 200 characters.")
        }
        let status = errors.parse(form["status"], as: VacancyStatus.self, field: "status") ?? .proposed
        if errors.isEmpty,
            let saved = try await save(client, errors: &errors, {
                _ = try await replica.addVacancy(
                    clientId: client,
                    Vacancy(employer: employer, title: title, status: status,
                            contact: TextRules.hasContent(contact) ? contact : nil))
                return "vacancies"
            })
        {
            return saved
        }
        return try await vacancyForm(request, context: context, client: client, form: form, errors: errors)
    }

    func setVacancyStatus(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        try await setStatus(request, context: context, client: client, entity: "vacancy", anchor: "vacancies") {
            (replica, id, status: VacancyStatus) in _ = try await replica.updateVacancy(vacancyId: id) { $0.status = status }
        }
    }

    // MARK: Helpers

    /// The client or a discipline, for the owner of a sub-goal or who is responsible for an agreement.
    func responsibleOptions(chosen: String, me: Professional, language: Language) -> [[String: Any]] {
        let text = AppText(language)
        let choices: [Responsible] = [.client] + Discipline.allCases.map { .discipline($0) }
        return choices.map {
            [
                "value": $0.code, "selected": $0.code == chosen,
                "label": $0 == .client ? text["responsibleClient"] : $0.label(in: language).capitalizedFirst
                    + ($0 == .discipline(me.discipline) ? " (\(me.name))" : ""),
            ] as [String: Any]
        }
    }

    /// A typed due date, or an error on the `due` field; `nil` when none was given.
    func dueDate(_ given: String?, errors: inout FormErrors) -> CalendarDate? {
        guard let given else { return nil }
        do {
            return try CalendarDate.parse(typed: given)
        } catch {
            errors.add("due", nl: error.message(in: .nl), en: error.message(in: .en))
            return nil
        }
    }

    /// A field that wraps like a paragraph holds one line: an Enter becomes a space.
    func oneLine(_ text: String?) -> String {
        (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
