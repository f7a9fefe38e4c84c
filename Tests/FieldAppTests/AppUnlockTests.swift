import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Replica
import SamenspelTestSupport
import Testing

@testable import FieldApp

/// A laptop left open at a home visit: after a while without use the replica locks itself, its keys leave
/// memory, and the professional's own browser sees nothing but the passphrase form until it is given.
@Suite struct AppUnlockTests {
    @Test func afterTheIdleTime_theReplicaLocks_andOnlyTouchingItPutsThatOff() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let clock = ManualClock(1_000_000)
        let idle = IdleLock(replica: fixture.replica, seconds: 15 * 60, logger: Logger(label: "test"), now: clock.now)
        clock.advance(by: 14 * 60_000)
        #expect(!idle.lockIfIdle() && fixture.replica.isUnlocked)
        idle.touch()
        clock.advance(by: 14 * 60_000)
        #expect(!idle.lockIfIdle(), "used a minute ago")
        clock.advance(by: 60_000)
        #expect(idle.lockIfIdle() && !fixture.replica.isUnlocked)
        let never = IdleLock(replica: fixture.replica, seconds: 0, logger: Logger(label: "test"), now: clock.now)
        try fixture.replica.unlock(passphrase: TestPassphrase.text)
        clock.advance(by: 365 * 86_400_000)
        #expect(!never.lockIfIdle() && fixture.replica.isUnlocked, "0 is never")
    }

    @Test func aLockedApp_showsOnlyThePassphraseForm_andTheRightPassphraseLeadsBack() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        try await fixture.withBrowser { browser in
            #expect(try await browser.get("/clients/\(fixture.client)").text.contains("Jaap"))
            let before = try await fixture.changeCount()
            try fixture.replica.lock()
            let page = try await browser.get("/clients/\(fixture.client)")
            #expect(page.status == .ok && page.text.contains("Samenspel is op slot") && page.text.contains("type=\"password\""))
            #expect(!page.text.contains("Jaap") && !page.text.contains(fixture.colleagueNote))
            // A form posted while locked stores nothing; it gets the passphrase form too.
            let note = try await browser.post("/clients/\(fixture.client)/notes", [("text", "tijdens het slot")])
            #expect(note.text.contains("Samenspel is op slot"))

            let wrong = try await browser.post("/unlock", [("passphrase", "niet deze"), ("back", "/clients/\(fixture.client)")])
            #expect(wrong.status == .unauthorized && wrong.text.contains("Deze wachtwoordzin klopt niet"))
            #expect(!fixture.replica.isUnlocked)
            let forged = try await browser.post("/unlock", [("passphrase", TestPassphrase.text)], token: "wrong token")
            #expect(forged.status == .forbidden && !fixture.replica.isUnlocked, "the form token is checked")
            let right = try await browser.post(
                "/unlock", [("passphrase", TestPassphrase.text), ("back", "/clients/\(fixture.client)")])
            #expect(right.status == .seeOther && right.headers[.location] == "/clients/\(fixture.client)")
            #expect(fixture.replica.isUnlocked)
            #expect(try await fixture.changeCount() == before, "nothing was stored while locked")
            #expect(try await browser.get("/clients/\(fixture.client)").text.contains(fixture.colleagueNote))
        }
    }

    @Test func theUnlockForm_isOnlyForTheProfessionalsOwnBrowser() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        try await fixture.withBrowser { browser in
            try fixture.replica.lock()
            // Without the session cookie: no form, no try of the passphrase.
            let stranger = try await browser.post("/unlock", [("passphrase", TestPassphrase.text)], cookie: "")
            #expect(stranger.status == .forbidden && !fixture.replica.isUnlocked)
            #expect(try await browser.get("/", cookie: "").status == .forbidden)
        }
    }

}
