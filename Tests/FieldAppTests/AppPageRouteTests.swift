import Casework
import ChangeLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Replica
import SamenspelTestSupport
import SyncProtocol
import Testing

/// Every page and form of the app, through its router, on a real replica file.
@Suite struct AppPageRouteTests {
    @Test func caseload_listsTheClients_withUnsentCounts_andFindsThemByName() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        _ = try await fixture.replica.addNote(clientId: fixture.client, .init(text: "Eerste"))
        _ = try await fixture.replica.addNote(clientId: fixture.client, .init(text: "Tweede"))
        try await fixture.withBrowser { browser in
            let page = try await browser.get("/")
            #expect(page.status == .ok)
            #expect(page.text.contains("<html lang=\"nl\">"))
            #expect(page.text.contains("Mijn klanten"))
            #expect(page.text.contains("href=\"/clients/\(fixture.client)\">Jaap</a>"))
            #expect(page.text.contains("<span class=\"pill pending-pill\">2</span>"))
            let found = try await browser.get("/?q=jA")
            #expect(found.text.contains(">Jaap</a>"))
            #expect(try await browser.get("/?q=+jaap+").text.contains(">Jaap</a>"), "a browser sends spaces as +")
            let none = try await browser.get("/?q=Pietje")
            #expect(!none.text.contains(">Jaap</a>"))
            #expect(none.text.contains("Geen klant gevonden"))
        }
    }

    @Test func journey_isACaseFile_whatMattersFirst_eachNoteOnce_markedByDiscipline_andAnUnknownClientIs404() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        try await fixture.withBrowser { browser in
            let page = try await browser.get("/clients/\(fixture.client)")
            #expect(page.status == .ok)
            // Signals, the force field, the plan, then the timeline; the matrix last.
            let headings = ["Signalen in het krachtenveld", "Krachtenveld nu", "Plan van aanpak", "Tijdlijn", "Determinanten"]
            let positions = try headings.map { heading in try #require(page.text.range(of: heading)?.lowerBound, "\(heading)") }
            #expect(positions == positions.sorted())
            // The name and the actions in the header that stays in view.
            #expect(page.text.contains("<div class=\"client-head\" id=\"client-head\">\n<div class=\"client-title\">\n<h1>Jaap</h1>"))
            // The colleague's note once, marked with the discipline.
            #expect(page.text.components(separatedBy: fixture.colleagueNote).count == 2)
            #expect(page.text.contains("<li class=\"item lane-incomeConsultant\""))
            #expect(page.text.contains("<span class=\"lane-mark\">Inkomensconsulent</span> <strong>Ahmed El Amrani</strong>"))
            #expect(page.text.contains("<svg"))
            // The discipline filter narrows the timeline, not the force field, and says so.
            let mine = try await browser.get("/clients/\(fixture.client)?discipline=clientManager")
            #expect(!mine.text.contains(fixture.colleagueNote) && mine.text.contains("Krachtenveld nu"))
            #expect(mine.text.contains("aria-current=\"true\">Klantmanager</a>"))
            #expect(mine.text.contains("het krachtenveld en de signalen tonen nog steeds alle disciplines"))
            let missing = try await browser.get("/clients/\(Identifier.make(wallMillis: 5))")
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("niet op deze laptop"))
        }
    }

    @Test func writingANoteOffline_savesIt_marksItNotYetSent_andSentOnceTheServerIsBack() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        let text = "Huisbezoek: Jaap wil <graag> & snel aan het werk"
        try await fixture.withBrowser { browser in
            try await eventually { await fixture.background.state.connection == .offline }
            let saved = try await browser.post(
                "/clients/\(client)/notes",
                [("text", text), ("behaviour", "jobSearch"), ("determinant", "skills"), ("determinant", "selfEfficacy"),
                 ("visibility", "team")])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            #expect(location.hasPrefix("/clients/\(client)?saved=1#note-"))
            let journey = try await browser.get(location)
            #expect(journey.text.contains("Opgeslagen op deze laptop. Het wordt verstuurd zodra er verbinding is."))
            #expect(journey.text.contains("Huisbezoek: Jaap wil &lt;graag&gt; &amp; snel aan het werk"))
            #expect(journey.text.contains("Nog niet verstuurd"))
            #expect(journey.text.contains("Geen verbinding met de server"))
            let note = try #require(try await fixture.replica.journey(clientId: client).notes.first { $0.current.text == text })
            #expect(note.current.behaviour == .jobSearch)
            #expect(note.current.determinants == [.selfEfficacy, .skills])

            fixture.goOnline()
            #expect(try await browser.post("/sync", []).status == .seeOther)
            try await eventually { try await fixture.replica.status().pendingChanges == 0 }
            let after = try await browser.get("/clients/\(client)")
            #expect(!after.text.contains("Nog niet verstuurd"))
            // Only what is not sent yet is badged: a sent note needs no badge.
            #expect(!after.text.contains("Verstuurd") && after.text.contains("Huisbezoek: Jaap wil"))
        }
        #expect(fixture.transport.state.withLock { $0.pushed.flatMap { $0 } }.contains { $0.payload["text"] == .string(text) })
    }

    @Test func noteForm_withInvalidInput_explainsWhat_andStoresNothing() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        let before = try await fixture.changeCount()
        try await fixture.withBrowser { browser in
            let form = try await browser.get("/clients/\(client)/notes/new")
            #expect(form.status == .ok)
            #expect(form.text.contains("<label for=\"text\">"))
            #expect(form.text.contains("name=\"csrf\" value=\"\(browser.formToken)\""))
            let blank = try await browser.post("/clients/\(client)/notes", [("text", "   \n ")])
            #expect(blank.status == .unprocessableContent)
            #expect(blank.text.contains("Schrijf de tekst van de notitie."))
            #expect(blank.text.contains("aria-invalid=\"true\""))
            let tampered = try await browser.post(
                "/clients/\(client)/notes", [("text", "Goed"), ("behaviour", "sleeping"), ("determinant", "luck")])
            #expect(tampered.status == .unprocessableContent)
            #expect(tampered.text.contains("Kies een van de aangeboden waarden."))
            #expect(tampered.text.contains(">Goed</textarea>"))
            #expect(blank.text.contains("name=\"back\" value=\"/clients/\(client)\""))  // the language switch returns to a page
            let huge = try await browser.post("/clients/\(client)/notes", [("text", String(repeating: "x", count: 40_000))])
            #expect(huge.status == .unprocessableContent)
            #expect(huge.text.contains("te lang"))
            let unknown = try await browser.post("/clients/\(Identifier.make(wallMillis: 9))/notes", [("text", "Wie?")])
            #expect(unknown.status == .notFound)
        }
        #expect(try await fixture.changeCount() == before)
    }

    @Test func editingMyNote_writesARevision_butAColleaguesNoteCannotBeEdited() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        let noteId = try await fixture.replica.addNote(clientId: client, .init(text: "Eerste versie"))
        let colleagueNoteId = try #require(try await fixture.replica.journey(clientId: client).notes.first { $0.by.name == "Ahmed El Amrani" }?.id)
        try await fixture.withBrowser { browser in
            #expect(try await browser.get("/clients/\(client)").text.contains("href=\"/clients/\(client)/notes/\(noteId)/edit\""))
            let form = try await browser.get("/clients/\(client)/notes/\(noteId)/edit")
            #expect(form.status == .ok)
            #expect(form.text.contains(">Eerste versie</textarea>"))
            let saved = try await browser.post("/clients/\(client)/notes/\(noteId)", [("text", "Tweede versie")])
            #expect(saved.status == .seeOther)
            #expect(try await browser.get("/clients/\(client)/notes/\(colleagueNoteId)/edit").status == .notFound)
        }
        let note = try #require(try await fixture.replica.journey(clientId: client).notes.first { $0.id == noteId })
        #expect(note.current.text == "Tweede versie")
        #expect(note.revisions.count == 2)
    }

    @Test func assessmentForm_recordsTheScore_inTheMatrix_andRefusesAMissingScore() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        try await fixture.withBrowser { browser in
            #expect(try await browser.get("/clients/\(client)/assessments/new").status == .ok)
            let missing = try await browser.post("/clients/\(client)/assessments", [("determinant", "selfEfficacy")])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains("Kies een score van 1 tot en met 5"))
            let saved = try await browser.post(
                "/clients/\(client)/assessments", [("determinant", "selfEfficacy"), ("score", "2"), ("behaviour", "jobSearch")])
            #expect(saved.status == .seeOther)
            let journey = try await browser.get("/clients/\(client)")
            #expect(journey.text.contains("<strong class=\"score s2\">2</strong>"))
        }
        let row = try #require(try await fixture.replica.journey(clientId: client).determinants.first { $0.determinant == .selfEfficacy })
        #expect(row.assessments.map(\.score) == [.known(2)])
    }

    @Test func interventionForm_startsWithTheCatalogueDefaults_andTheEndButtonEndsIt() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        try await fixture.withBrowser { browser in
            let form = try await browser.get("/clients/\(client)/interventions/new")
            #expect(form.text.contains("value=\"sanctionAnnouncement\""))
            let none = try await browser.post("/clients/\(client)/interventions", [("status", "active")])
            #expect(none.status == .unprocessableContent)
            let ended = try await browser.post("/clients/\(client)/interventions", [("kind", "vacancyMatch"), ("status", "ended")])
            #expect(ended.status == .unprocessableContent)
            let saved = try await browser.post("/clients/\(client)/interventions", [("kind", "sanctionAnnouncement")])
            #expect(saved.status == .seeOther)
            let started = try #require(try await fixture.replica.journey(clientId: client).interventions.first)
            let catalogue = try #require(InterventionCatalogue.kind("sanctionAnnouncement"))
            #expect(started.valence == catalogue.valence)
            #expect(started.targets == catalogue.targets.sorted())
            #expect(started.status == .active)
            let journey = try await browser.get("/clients/\(client)")
            #expect(journey.text.contains("/clients/\(client)/interventions/\(started.id)/end"))
            let end = try await browser.post("/clients/\(client)/interventions/\(started.id)/end", [])
            #expect(end.status == .seeOther)
            let unknown = try await browser.post("/clients/\(client)/interventions/\(Identifier.make(wallMillis: 3))/end", [])
            #expect(unknown.status == .notFound)
        }
        #expect(try await fixture.replica.journey(clientId: client).interventions.first?.status == .ended)
    }

    @Test func agreementForm_takesADutchDate_refusesAnImpossibleOne_andItsStatusCanChange() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        try await fixture.withBrowser { browser in
            #expect(try await browser.get("/clients/\(client)/agreements/new").status == .ok)
            let impossible = try await browser.post(
                "/clients/\(client)/agreements", [("text", "Twee sollicitaties"), ("responsible", "client"), ("due", "31-02-2027")])
            #expect(impossible.status == .unprocessableContent)
            #expect(impossible.text.contains("dag-maand-jaar"))
            #expect(impossible.text.contains("value=\"31-02-2027\""))
            let saved = try await browser.post(
                "/clients/\(client)/agreements", [("text", "Twee sollicitaties"), ("responsible", "client"), ("due", "5-1-2027")])
            #expect(saved.status == .seeOther)
            let agreement = try #require(try await fixture.replica.journey(clientId: client).plan.agreements.first)
            #expect(agreement.due == "2027-01-05")
            let journey = try await browser.get("/clients/\(client)")
            #expect(journey.text.contains("uiterlijk 05-01-2027"))
            let kept = try await browser.post("/clients/\(client)/agreements/\(agreement.id)/status", [("status", "kept")])
            #expect(kept.status == .seeOther)
            let bogus = try await browser.post("/clients/\(client)/agreements/\(agreement.id)/status", [("status", "maybe")])
            #expect(bogus.status == .forbidden)
        }
        #expect(try await fixture.replica.journey(clientId: client).plan.agreements.first?.status == .kept)
        #expect(try await fixture.replica.journey(clientId: client).plan.agreements.count == 1)
    }

    @Test func goalForm_addsTheClientsOwnGoal_refusesOneWithoutTargets_andItsStatusCanChange() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        try await fixture.withBrowser { browser in
            let form = try await browser.get("/clients/\(client)/goals/new")
            #expect(form.text.contains("<option value=\"clientManager\" selected>"), "the own discipline is the default owner")
            let incomplete = try await browser.post(
                "/clients/\(client)/goals", [("title", "Zelf solliciteren"), ("behaviour", "jobSearch"), ("owner", "client")])
            #expect(incomplete.status == .unprocessableContent)
            #expect(incomplete.text.contains("Kies ten minste één determinant."))
            let saved = try await browser.post(
                "/clients/\(client)/goals",
                [("title", "Zelf solliciteren"), ("behaviour", "jobSearch"), ("target", "attitude"), ("owner", "client"),
                 ("due", "1-3-2027")])
            #expect(saved.status == .seeOther)
            let goal = try #require(try await fixture.replica.journey(clientId: client).plan.subGoals.first)
            #expect(goal.owner == .client && goal.due == "2027-03-01" && goal.targets == [.attitude])
            let achieved = try await browser.post("/clients/\(client)/goals/\(goal.id)/status", [("status", "achieved")])
            #expect(achieved.status == .seeOther)
            let journey = try await browser.get("/clients/\(client)")
            #expect(journey.text.contains("Zelf solliciteren") && journey.text.contains("De klant"))
        }
        #expect(try await fixture.replica.journey(clientId: client).plan.subGoals.map(\.status) == [.achieved])
        // No screen sends a professional to the command line: every text of the app names its own forms.
        let texts = try RepositoryFiles.text("Sources/FieldApp/AppText.swift")
        for command in ["samenspel goal", "samenspel intervention", "samenspel contact", "samenspel referral", "samenspel assess"] {
            #expect(!texts.contains(command), "\(command)")
        }
    }

    @Test func referrals_areMadeToAnotherDiscipline_andAnsweredOnlyByTheOneReferredTo() async throws {
        let fixture = try await AppFixture(colleagueWrites: [
            .referralAdded(Referral(to: .clientManager, reason: "Heeft steun nodig bij het zoeken")),
        ])
        defer { fixture.folder.remove() }
        let client = fixture.client
        let incoming = try #require(try await fixture.replica.journey(clientId: client).referrals.first)
        try await fixture.withBrowser { browser in
            let form = try await browser.get("/clients/\(client)/referrals/new")
            #expect(!form.text.contains("value=\"clientManager\""), "not to the own discipline")
            let saved = try await browser.post(
                "/clients/\(client)/referrals", [("to", "accountManager"), ("reason", "Klaar voor een concrete vacature")])
            #expect(saved.status == .seeOther)
            let journey = try await browser.get("/clients/\(client)")
            #expect(journey.text.contains("/clients/\(client)/referrals/\(incoming.id)/answer"), "mine to answer")
            let outgoing = try #require(try await fixture.replica.journey(clientId: client).referrals.first { $0.to == .accountManager })
            #expect(!journey.text.contains("/referrals/\(outgoing.id)/answer"), "the account manager's to answer")
            let bare = try await browser.post("/clients/\(client)/referrals/\(incoming.id)/answer", [("status", "declined")])
            #expect(bare.status == .unprocessableContent)
            #expect(bare.text.contains("geef een korte reden"))
            let declined = try await browser.post(
                "/clients/\(client)/referrals/\(incoming.id)/answer", [("status", "declined"), ("reason", "Loopt al bij mij")])
            #expect(declined.status == .seeOther)
            let notMine = try await browser.post("/clients/\(client)/referrals/\(outgoing.id)/answer", [("status", "accepted")])
            #expect(notMine.status == .unprocessableContent, "only the discipline referred to answers")
        }
        let referrals = try await fixture.replica.journey(clientId: client).referrals
        #expect(referrals.first { $0.id == incoming.id }?.status == .declined)
        #expect(referrals.first { $0.id == incoming.id }?.answerReason == "Loopt al bij mij")
        #expect(referrals.first { $0.to == .accountManager }?.status == .open)
    }

    @Test func vacancyAndContactForms_recordTheEmployersSide_andChangeOnlyWhatChanged() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        try await fixture.withBrowser { browser in
            let empty = try await browser.post("/clients/\(client)/vacancies", [("status", "proposed")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text.contains("Schrijf de werkgever"))
            let saved = try await browser.post(
                "/clients/\(client)/vacancies",
                [("employer", "Logistiek BV"), ("title", "Orderpicker"), ("status", "applied"), ("contact", "P. de Vries")])
            #expect(saved.status == .seeOther)
            let vacancy = try #require(try await fixture.replica.journey(clientId: client).vacancies.first)
            #expect(vacancy.status == .applied && vacancy.contact == "P. de Vries")
            #expect(try await browser.post("/clients/\(client)/vacancies/\(vacancy.id)/status", [("status", "hired")]).status == .seeOther)
            let journey = try await browser.get("/clients/\(client)")
            #expect(journey.text.contains("Orderpicker · Logistiek BV") && journey.text.contains("aan het werk"))

            #expect(try await browser.get("/clients/\(client)/contact/edit").status == .ok)
            let contact = try await browser.post(
                "/clients/\(client)/contact", [("phone", "06 12345678"), ("address", ""), ("contactMoment", "")])
            #expect(contact.status == .seeOther)
            let again = try await browser.post(
                "/clients/\(client)/contact", [("phone", "06 12345678"), ("address", ""), ("contactMoment", "na 14:00")])
            #expect(again.status == .seeOther)
        }
        let journey = try await fixture.replica.journey(clientId: client)
        #expect(journey.vacancies.first?.status == .hired)
        #expect(journey.client.contact.map(\.field) == [.phone, .contactMoment])
        #expect(journey.client.contact.first?.revisions.count == 1, "an unchanged field is not written again")
    }

    @Test func concurrentReferralAnswersAndVacancyUpdates_areConflicts_withEveryVersionAndHowToSettleThem() async throws {
        let fixture = try await AppFixture(more: { factory, client, me, colleague in
            let referral = factory.make(.referralAdded(Referral(to: .incomeConsultant, reason: "inkomen")), client: client, by: me)
            let vacancy = factory.make(.vacancyAdded(Vacancy(employer: "Zorg BV", title: "gastvrouw")), client: client, by: colleague)
            return [referral, vacancy]
                + [ReferralAnswer(status: .accepted), ReferralAnswer(status: .declined, reason: "loopt al")].map {
                    factory.make(.referralAnswered($0, supersedes: [referral.id]), client: client, entity: referral.entityId,
                                 by: colleague)
                }
                + [VacancyStatus.interview, .withdrawn].map {
                    factory.make(.vacancyUpdated(Vacancy(employer: "Zorg BV", title: "gastvrouw", status: $0), supersedes: [vacancy.id]),
                                 client: client, entity: vacancy.entityId, by: colleague)
                }
        })
        defer { fixture.folder.remove() }
        let conflicts = try await fixture.replica.conflicts(in: .nl)
        #expect(Set(conflicts.map(\.kind)) == [.referral, .vacancy])
        #expect(conflicts.first { $0.kind == .referral }?.versions.map(\.summary).sorted() == ["aangenomen", "afgewezen: loopt al"])
        try await fixture.withBrowser { browser in
            let review = try await browser.get("/review")
            #expect(review.text.contains("Verwijzing") && review.text.contains("Neem haar opnieuw aan of wijs haar af"))
            #expect(review.text.contains("Vacature") && review.text.contains("op gesprek") && review.text.contains("teruggetrokken"))
            let journey = try await browser.get("/clients/\(fixture.client)")
            #expect(journey.text.contains("ander antwoord"), "both answers are readable in the app")
        }
    }

    @Test func assessmentForm_recordsTheClientsOwnView_inAColumnOfItsOwn() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        try await fixture.withBrowser { browser in
            let saved = try await browser.post(
                "/clients/\(client)/assessments",
                [("determinant", "selfEfficacy"), ("score", "4"), ("source", "client"), ("explanation", "Ik kan het best")])
            #expect(saved.status == .seeOther)
            let journey = try await browser.get("/clients/\(client)")
            #expect(journey.text.contains("De klant zelf"))
            #expect(journey.text.contains("Ik kan het best"))
        }
        let row = try #require(try await fixture.replica.journey(clientId: client).determinants.first { $0.determinant == .selfEfficacy })
        #expect(row.assessments.isEmpty && row.client.map(\.score) == [.known(4)])
    }

    @Test func aSignal_isShownWithItsReason_andAcknowledgedOnlyWithAReason() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        _ = try await fixture.replica.startIntervention(
            clientId: client, .init(kind: "sanctionAnnouncement", valence: .corrective, targets: [.attitude], behaviour: .compliance))
        let signal = try #require(try await fixture.replica.journey(clientId: client).forceField.signals.first)
        try await fixture.withBrowser { browser in
            let journey = try await browser.get("/clients/\(client)")
            #expect(journey.text.contains("name=\"key\" value=\"\(signal.key)\""))
            let caseload = try await browser.get("/")
            #expect(caseload.text.contains("class=\"pill \(signal.severity.rawValue)\""))
            let blank = try await browser.post("/clients/\(client)/signals", [("key", signal.key), ("reason", " ")])
            #expect(blank.status == .unprocessableContent)
            let unknown = try await browser.post("/clients/\(client)/signals", [("key", "no-such-signal"), ("reason", "gezien")])
            #expect(unknown.status == .notFound)
            let done = try await browser.post("/clients/\(client)/signals", [("key", signal.key), ("reason", "Besproken in casuïstiekoverleg")])
            #expect(done.status == .seeOther)
            let after = try await browser.get("/clients/\(client)")
            #expect(after.text.contains("Besproken in casuïstiekoverleg"))
        }
        #expect(try await fixture.replica.journey(clientId: client).forceField.signals.first?.acknowledgements.count == 1)
    }

    @Test func refusedWrites_areListedWithTheReasonAndText_untilMarkedSeen() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        _ = try await fixture.replica.addNote(clientId: client, .init(text: "Tekst die de server weigert"))
        fixture.goOnline()
        fixture.transport.state.withLock { state in
            state.pushAnswer = { changes in
                changes.map {
                    PushResult(id: $0.id, status: .rejected, error: ErrorDetail(code: ErrorCode.outOfScope, message: "not in your caseload"))
                }
            }
        }
        try await fixture.replica.sync(using: fixture.transport)
        let refused = try #require(try await fixture.replica.status().rejected.first)
        try await fixture.withBrowser { browser in
            let page = try await browser.get("/review")
            #expect(page.status == .ok)
            #expect(page.text.contains("Deze klant hoort niet (meer) bij je caseload."))
            #expect(page.text.contains("Notitie"))
            #expect(page.text.contains("Tekst die de server weigert"))
            #expect(page.text.contains("hoort niet (meer) bij je caseload"))
            let seen = try await browser.post("/review/refused/\(refused.change.id)/seen", [])
            #expect(seen.status == .seeOther)
            #expect(try await browser.post("/review/refused/\(refused.change.id)/seen", []).status == .notFound)
            #expect(try await browser.get("/review").text.contains("Geen geweigerde wijzigingen."))
        }
        #expect(try await fixture.replica.status().rejected.isEmpty)
    }

    @Test func syncPage_showsTheState_andLanguageSwitchesToEnglish_onlyToAPathOfTheApp() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        try await fixture.withBrowser { browser in
            try await eventually { await fixture.background.state.connection == .offline }
            let page = try await browser.get("/sync")
            #expect(page.text.contains("<span class=\"pill offline\">offline</span>"))
            #expect(page.text.contains("Nu synchroniseren"))
            let switched = try await browser.post("/language", [("to", "en"), ("back", "/sync")])
            #expect(switched.status == .seeOther)
            #expect(switched.headers[.location] == "/sync")
            let cookie = try #require(switched.headers[.setCookie])
            #expect(cookie.hasPrefix("samenspel_lang=en"))
            let english = try await browser.get("/sync", cookie: browser.cookie + "; samenspel_lang=en")
            #expect(english.text.contains("<html lang=\"en\">"))
            #expect(english.text.contains("Sync now"))
            #expect(english.text.contains("No connection to the server"))
            for back in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
                let away = try await browser.post("/language", [("to", "en"), ("back", back)])
                #expect(away.headers[.location] == "/", "\(back)")
            }
        }
    }

    @Test func anUnknownPath_getsThePageOfTheApp_withItsHeaders() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        try await fixture.withBrowser { browser in
            for response in [try await browser.get("/no/such/page"), try await browser.post("/", [])] {
                #expect(response.status == .notFound)
                #expect(response.text.contains("Niet gevonden"))
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!] != nil)
            }
        }
    }

    @Test func aRevokedLaptop_isWiped_andTheAppStaysUpToSaySo() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        fixture.transport.state.withLock {
            $0.failure = ReplicaError(code: ErrorCode.deviceRevoked, message: "revoked", httpStatus: 403)
        }
        try await fixture.withBrowser { browser in
            await fixture.background.syncNow()
            try await eventually { await fixture.background.state.wiped }
            for uri in ["/", "/clients/\(fixture.client)", "/sync"] {
                let page = try await browser.get(uri)
                #expect(page.status == .gone)
                #expect(page.text.contains("De toegang van deze laptop is door de beheerder ingetrokken"))
                #expect(!page.text.contains("Jaap"))
            }
        }
    }

    @Test func journeyTimeline_showsTheNewestPage_andEarlierItemsOnRequest() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        for index in 1...40 {
            _ = try await fixture.replica.addNote(clientId: client, NoteContent(text: "Gesprek nummer \(index)"))
        }
        try await fixture.withBrowser { browser in
            // 42 items: the registration, the colleague's note, 40 own notes; the newest 30 first.
            let first = try await browser.get("/clients/\(client)")
            #expect(first.text.contains("Tijdlijn <span class=\"small\">(30 van 42)</span>"))
            #expect(first.text.contains("Gesprek nummer 40") && first.text.contains("Gesprek nummer 11"))
            #expect(!first.text.contains("Gesprek nummer 10<") && !first.text.contains(fixture.colleagueNote))
            #expect(first.text.contains("href=\"/clients/\(client)?shown=60#more-30\">Eerdere items tonen (12)</a>"))
            let more = try await browser.get("/clients/\(client)?shown=60")
            #expect(more.text.contains("(42 van 42)") && more.text.contains(fixture.colleagueNote))
            #expect(more.text.contains("<span id=\"more-30\"></span>") && !more.text.contains("Eerdere items tonen"))
            // Nonsense asks for the first page, not an error.
            #expect(try await browser.get("/clients/\(client)?shown=-5&discipline=nobody").text.contains("(30 van 42)"))
        }
    }

    @Test func search_findsByWords_marksThem_andEachHitOpensTheJourneyWhereItIs() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        let agreement = try await fixture.replica.addAgreement(
            clientId: client, Agreement(text: "Belt de schuldhulp <vóór> vrijdag", responsible: .client))
        _ = try await fixture.replica.updateAgreement(agreementId: agreement) { $0.status = .kept }
        for index in 1...40 {
            _ = try await fixture.replica.addNote(clientId: client, NoteContent(text: "Gesprek nummer \(index)"))
        }
        try await fixture.withBrowser { browser in
            #expect(try await browser.get("/").text.contains("href=\"/search\""), "in the navigation")
            // The colleague's note, 41 items down the timeline: found, marked, and its link shows that far.
            let page = try await browser.get("/search?q=INKOMEN")
            #expect(page.status == .ok && page.text.contains("<h1>Zoeken in dossiers</h1>"))
            #expect(page.text.contains("1 resultaat"), "\(page.text)")
            #expect(page.text.contains("<mark>Inkomen</mark> besproken met Jaap"))
            #expect(page.text.contains("Notitie · Ahmed El Amrani (inkomensconsulent)"))
            let note = try #require(try await fixture.replica.search("inkomen").hits.first)
            let href = "/clients/\(client)?focus=\(note.entityId)#note-\(note.entityId)"
            #expect(page.text.contains("href=\"\(href)\""))
            let journey = try await browser.get(String(href.prefix(while: { $0 != "#" })))
            #expect(journey.text.contains("id=\"note-\(note.entityId)\"") && journey.text.contains("(44 van 44)"))

            // Text is escaped; a closed agreement opens where it is; accents do not matter.
            let found = try await browser.get("/search?q=voor+schuld")
            #expect(found.text.contains("Belt de <mark>schuldhulp</mark> &lt;<mark>vóór</mark>&gt; vrijdag"), "\(found.text)")
            let closed = try await browser.get("/clients/\(client)?focus=\(agreement)")
            #expect(closed.text.contains("<details open>") && closed.text.contains("<li id=\"item-\(agreement)\">"))
            #expect(!(try await browser.get("/clients/\(client)")).text.contains("<details open>"))

            // One client's file; nothing found; no words; an unknown client.
            let inFile = try await browser.get("/search?q=gesprek&client=\(client)")
            #expect(inFile.text.contains("40 resultaten"))
            #expect(inFile.text.contains("Alleen in het dossier van <a href=\"/clients/\(client)\">Jaap</a>"))
            #expect(try await browser.get("/search?q=fietsenmaker").text.contains("Niets gevonden."))
            #expect(try await browser.get("/search?q=%22+*").text.contains("Typ ten minste één woord"))
            #expect(try await browser.get("/search?q=x&client=\(Identifier.make(wallMillis: 9))").status == .notFound)
            // A name that finds no client offers to search the files for the words.
            let caseload = try await browser.get("/?q=schuldhulp")
            #expect(caseload.text.contains("href=\"/search?q=schuldhulp\""))
        }
    }
}
