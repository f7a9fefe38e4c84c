import Casework
import ChangeLog
import Hummingbird
import Replica

extension FieldApp {
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
        if errors.isEmpty,
            let saved = try await save(client, errors: &errors, {
                if let noteId {
                    _ = try await replica.reviseNote(
                        noteId: noteId, text: text, behaviour: .some(behaviour), determinants: determinants)
                    return "note-\(noteId)"
                }
                let id = try await replica.addNote(
                    clientId: client,
                    NoteContent(text: text, behaviour: behaviour, determinants: determinants, visibility: visibility))
                return "note-\(id)"
            })
        {
            return saved
        }
        return try await noteForm(request, context: context, client: client, noteId: noteId, form: form, errors: errors)
    }
}
