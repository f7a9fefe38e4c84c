import Casework
import Foundation
import ChangeLog
import Hummingbird
import Replica

extension FieldApp {
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
            "explanation": form?.fields["explanation"]?.first ?? "",
            "sources": ["professional", "client"].map {
                [
                    "value": $0, "label": text[$0 == "client" ? "sourceClient" : "sourceProfessional"],
                    "selected": $0 == (form?["source"] ?? "professional"),
                ] as [String: Any]
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
            errors.add("determinant", nl: "Kies een determinant.", en: "Choose the determinant.")
        }
        let score = form["score"].flatMap(AssessmentScore.init)
        if score == nil {
            errors.add("score", nl: "Kies een score van 1 tot en met 5, of ‘Onbekend’.", en: "Choose a score from 1 to 5, or unknown.")
        }
        let behaviour = errors.parse(form["behaviour"], as: CoreBehaviour.self, field: "behaviour")
        let explanation = form["explanation"]
        if let explanation, explanation.count > CaseworkLimits.maxLineLength || !TextRules.isSingleLine(explanation) {
            errors.add(
                "explanation", nl: "Schrijf de toelichting op één regel van maximaal 200 tekens.",
                en: "Write the explanation on one line of at most 200 characters.")
        }
        if errors.isEmpty, let determinant, let score,
            let saved = try await save(client, errors: &errors, {
                let assessment = Assessment(determinant: determinant, score: score, behaviour: behaviour, explanation: explanation)
                if form["source"] == "client" {
                    _ = try await replica.recordClientView(clientId: client, assessment)
                } else {
                    _ = try await replica.recordAssessment(clientId: client, assessment)
                }
                return "matrix"
            })
        {
            return saved
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
            errors.add("status", nl: "Kies ‘gepland’ of ‘lopend’: een nieuwe interventie kan niet al beëindigd zijn.", en: "A new intervention is planned or active.")
        }
        if errors.isEmpty, let kind,
            let saved = try await save(client, errors: &errors, {
                _ = try await replica.startIntervention(
                    clientId: client,
                    InterventionPlan(
                        kind: kind.code, valence: valence ?? kind.valence, targets: targets.isEmpty ? kind.targets : targets,
                        behaviour: behaviour ?? kind.behaviour, status: status))
                return "interventions"
            })
        {
            return saved
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
        let model: [String: Any] = [
            "clientId": client, "clientName": try await clientName(client, language: language),
            "text": form?.fields["text"]?.first ?? "", "due": form?.fields["due"]?.first ?? "",
            "responsibles": responsibleOptions(chosen: responsible, me: me, language: language),
            "behaviours": options(CoreBehaviour.allCases, chosen: [form?["behaviour"]].compactMap { $0 }, language: language),
        ]
        return try await formPage(
            "agreementForm", model: model, title: text["addAgreement"], errors: errors, request: request, context: context)
    }

    func saveAgreement(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        var errors = FormErrors(language: context.language)
        let text = oneLine(form["text"])
        if !TextRules.hasContent(text) {
            errors.add("text", nl: "Schrijf wat er is afgesproken.", en: "Write what was agreed.")
        } else if text.count > CaseworkLimits.maxAgreementLength || !TextRules.isSingleLine(text) {
            errors.add(
                "text", nl: "Schrijf de afspraak op één regel van maximaal 500 tekens.",
                en: "Write the agreement on one line of at most 500 characters.")
        }
        let responsible = form["responsible"].flatMap(Responsible.init(code:))
        if responsible == nil {
            errors.add("responsible", nl: "Kies wie verantwoordelijk is.", en: "Choose who is responsible.")
        }
        let due = dueDate(form["due"], errors: &errors)
        let behaviour = errors.parse(form["behaviour"], as: CoreBehaviour.self, field: "behaviour")
        if errors.isEmpty, let responsible,
            let saved = try await save(client, errors: &errors, {
                _ = try await replica.addAgreement(
                    clientId: client, Agreement(text: text, responsible: responsible, due: due, behaviour: behaviour))
                return "plan"
            })
        {
            return saved
        }
        return try await agreementForm(request, context: context, client: client, form: form, errors: errors)
    }

    func setAgreementStatus(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        try await setStatus(request, context: context, client: client, entity: "agreement", anchor: "plan") {
            (replica, id, status: AgreementStatus) in _ = try await replica.updateAgreement(agreementId: id) { $0.status = status }
        }
    }

    // MARK: Signals

    func acknowledgeSignal(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let form = try await FormData.read(request, context: context, token: configuration.formToken)
        guard let key = form["key"] else { throw AppError.badForm }
        guard let reason = form["reason"], reason.count <= CaseworkLimits.maxLineLength, TextRules.isSingleLine(reason)
        else {
            let text = AppText(context.language)
            let message = context.language == .nl
                ? "Het signaal is niet als besproken gemarkeerd: geef een korte toelichting (één regel, maximaal 200 tekens)."
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
}
