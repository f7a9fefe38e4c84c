import Casework
import ChangeLog
import Foundation
import GRDB
@testable import Replica
import Testing

/// The pure rules of offline search: what words an entity has, how typed text becomes a query, and how a
/// snippet is cut into marked fragments.
@Suite struct SearchIndexTests {
    @Test func typedText_becomesQuotedPrefixWords_andNothingTypedIsFTSSyntax() {
        #expect(SearchIndex.expression(for: "schuld  Hulp") == "\"schuld\"* \"Hulp\"*")
        #expect(SearchIndex.expression(for: "\"woon\"bron\" OR") == "\"woonbron\"* \"OR\"*")
        #expect(SearchIndex.expression(for: "-gemeente NEAR(a b)") == "\"-gemeente\"* \"NEAR(a\"* \"b)\"*")
        #expect(SearchIndex.expression(for: "  \" * - ") == nil)
        #expect(SearchIndex.expression(for: "") == nil)
        #expect(SearchIndex.expression(for: "Zoë 12") == "\"Zoë\"* \"12\"*")
    }

    @Test func snippets_areCutIntoMarkedFragments() {
        let snippet = "…over \(SearchIndex.matchStart)schulden\(SearchIndex.matchEnd) en \(SearchIndex.matchStart)huur\(SearchIndex.matchEnd)"
        let fragments = SearchIndex.fragments(of: snippet)
        #expect(fragments.map(\.text) == ["…over ", "schulden", " en ", "huur"])
        #expect(fragments.map(\.matched) == [false, true, false, true])
        #expect(SearchIndex.fragments(of: "plain").map(\.matched) == [false])
        #expect(SearchIndex.fragments(of: "\(SearchIndex.matchStart)cut").map(\.text) == ["cut"], "an unclosed mark ends the text")
    }

    @Test func anEntitysWords_areThoseOfItsCurrentVersions() {
        let note = CaseEvent.noteAdded(NoteContent(text: "eerste tekst"))
        let revised = CaseEvent.noteRevised(NoteContent(text: "nieuwe tekst"), supersedes: ["a"])
        let concurrent = CaseEvent.noteRevised(NoteContent(text: "andere tekst"), supersedes: ["a"])
        #expect(CaseEvent.searchText(creation: note, heads: [note]) == "eerste tekst")
        #expect(CaseEvent.searchText(creation: note, heads: [revised]) == "nieuwe tekst", "replaced words are gone")
        #expect(CaseEvent.searchText(creation: note, heads: [revised, concurrent]) == "nieuwe tekst\nandere tekst")

        // An answer or a new status adds to the words of the creation.
        let referral = CaseEvent.referralAdded(Referral(to: .accountManager, reason: "klaar voor werk"))
        let answer = CaseEvent.referralAnswered(ReferralAnswer(status: .declined, reason: "eerst taalcursus"), supersedes: ["r"])
        #expect(CaseEvent.searchText(creation: referral, heads: [answer]) == "klaar voor werk\neerst taalcursus")
        let plan = CaseEvent.interventionStarted(
            InterventionPlan(kind: "debtCounselling", valence: .facilitating, targets: [.practicalBarriers], behaviour: nil))
        let ended = CaseEvent.interventionUpdated(InterventionUpdate(status: .ended, targets: [.practicalBarriers]), supersedes: ["i"])
        let words = CaseEvent.searchText(creation: plan, heads: [ended]) ?? ""
        #expect(words.contains("schuldhulpverlening") && words.contains("debt counselling") && words.contains("debtCounselling"))
        let vacancy = CaseEvent.vacancyAdded(Vacancy(employer: "Logistiek BV", title: "Orderpicker", contact: "P. de Vries"))
        #expect(CaseEvent.searchText(creation: vacancy, heads: [vacancy]) == "Orderpicker · Logistiek BV · P. de Vries")

        // Nothing to find: registration, contact details, an assessment without explanation.
        #expect(CaseEvent.searchText(creation: .assessmentRecorded(Assessment(determinant: .skills, score: .known(2))),
                                     heads: [.assessmentRecorded(Assessment(determinant: .skills, score: .known(2)))]) == nil)
        #expect(CaseEvent.contactSet(ContactUpdate(field: .phone, value: "0612345678"), supersedes: []).searchText == nil)
    }

    @Test func rowIds_followTheClock_andTwoEntitiesOfTheSameMomentGetTwo() throws {
        let queue = try DatabaseQueue()
        try queue.inDatabase { db in try SearchIndex.attach(db) }
        try queue.write { db in
            let early = HLCTimestamp(wallMillis: 1_800_000_000_000, logical: 3)
            let later = HLCTimestamp(wallMillis: 1_800_000_000_001, logical: 0)
            let first = try SearchIndex.rowid(for: early, db: db)
            #expect(first < (try SearchIndex.rowid(for: later, db: db)))
            try db.execute(
                sql: "INSERT INTO search_entries (rowid, entity_id, client_id, current_hlc) VALUES (?, 'e', 'c', ?)",
                arguments: [first, early.description])
            #expect(try SearchIndex.rowid(for: early, db: db) == first + 1)
        }
    }
}
