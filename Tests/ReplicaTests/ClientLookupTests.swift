import Replica
import Testing

/// Finding the client a professional means by a name, part of one, or an id.
@Suite struct ClientLookupTests {
    static let jaap = ClientLookup.Candidate(id: "0193a5c2-7d1e-7c3a-9f1b-2c4d6e8fa0b1", name: "Jaap de Vries")
    static let jaapie = ClientLookup.Candidate(id: "0193a5c2-aaaa-7c3a-9f1b-2c4d6e8fa0b2", name: "Jaapie Jansen")
    static let zoe = ClientLookup.Candidate(id: "0193b000-0000-7000-8000-000000000003", name: "Zoë Bakker")
    static let unnamed = ClientLookup.Candidate(id: "0193c000-0000-7000-8000-000000000004", name: nil)
    static let all = [jaap, jaapie, zoe, unnamed]

    @Test(arguments: [
        ("Jaap de Vries", jaap.id), ("jaap  DE vries", jaap.id), ("zoe", zoe.id), ("Bakker", zoe.id),
        ("vries", jaap.id), ("0193b", zoe.id), (jaap.id.uppercased(), jaap.id), ("0193c000", unnamed.id),
        ("Jaapie", jaapie.id),
    ])
    func findsTheOneClientMeant(_ typed: String, _ expected: String) throws {
        #expect(try ClientLookup.resolve(typed, among: Self.all) == expected)
    }

    @Test func aWholeNameWins_overTheStartOfAnother_andSaysWhoElseFits() throws {
        let jaapAlone = ClientLookup.Candidate(id: "0193d000-0000-7000-8000-000000000005", name: "Jaap")
        let found = try ClientLookup.find("jaap", among: Self.all + [jaapAlone])
        #expect(found.candidate == jaapAlone && !found.byFullId)
        #expect(found.alsoFitting == [Self.jaap, Self.jaapie])
        #expect(try ClientLookup.find(Self.jaap.id, among: Self.all).byFullId)
    }

    @Test func theNameAsTyped_winsOverTheSameNameWithoutDiacritics() throws {
        let zoeWithout = ClientLookup.Candidate(id: "0193e000-0000-7000-8000-000000000006", name: "Zoe Bakker")
        #expect(try ClientLookup.resolve("Zoë Bakker", among: Self.all + [zoeWithout]) == Self.zoe.id)
        #expect(try ClientLookup.resolve("zoe bakker", among: Self.all + [zoeWithout]) == zoeWithout.id)
    }

    @Test func wordsAreFound_fromAnyWordOn_acrossHyphens() throws {
        let anneMarie = ClientLookup.Candidate(id: "0193f000-0000-7000-8000-000000000007", name: "Anne-Marie van Dam")
        let clients = Self.all + [anneMarie]
        #expect(try ClientLookup.resolve("de vries", among: clients) == Self.jaap.id)
        #expect(try ClientLookup.resolve("jaap de v", among: clients) == Self.jaap.id)
        #expect(try ClientLookup.resolve("marie", among: clients) == anneMarie.id)
        #expect(try ClientLookup.resolve("van dam", among: clients) == anneMarie.id)
        #expect(throws: ReplicaError.self) { try ClientLookup.resolve("vries de", among: clients) }
    }

    @Test func severalMatches_areListed_andNothingIsGuessed() {
        do {
            _ = try ClientLookup.resolve("jaa", among: Self.all)
            Issue.record("an ambiguous name was resolved")
        } catch let error as ReplicaError {
            #expect(error.code == ReplicaError.ambiguousClient)
            #expect(error.message.contains("fits 2 clients"))
            #expect(error.message.contains("\n  Jaap de Vries  ") && error.message.contains("\n  Jaapie Jansen  "), "one per line, by name")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: ["Piet", "", "0193a5c2-7d1e-7c3a-9f1b-000000000000", "019"])
    func noMatch_isAnUnknownClient(_ typed: String) {
        #expect(throws: ReplicaError.self) { try ClientLookup.resolve(typed, among: Self.all) }
    }
}
