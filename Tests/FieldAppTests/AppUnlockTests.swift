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
            #expect(page.status == .unauthorized && page.text.contains("Samenspel is op slot") && page.text.contains("type=\"password\""))
            #expect(!page.text.contains("Jaap") && !page.text.contains(fixture.colleagueNote))
            // A form posted while locked stores nothing; it gets the passphrase form too.
            let note = try await browser.post("/clients/\(fixture.client)/notes", [("text", "tijdens het slot")])
            #expect(note.text.contains("Samenspel is op slot") && note.text.contains("niet opgeslagen"), "it says so")

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

    @Test func anOpenPagesOwnRefresh_isNotUse_soTheIdleLockStillComes() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        // The app's own idle lock runs (6 s here): typing puts it off, the page's refreshes do not.
        let app = FieldApp(
            replica: fixture.replica, background: fixture.background,
            configuration: FieldAppConfiguration(port: AppFixture.port, idleLockMinutes: 0.1))
        try await app.makeApplication().test(.router) { client in
            var browser = Browser(client: client, formToken: app.configuration.formToken, cookie: "")
            browser.cookie = try await browser.openLaunchURL(key: app.configuration.secret)
            _ = try await browser.get("/clients/\(fixture.client)")
            try await Task.sleep(for: .seconds(3))
            // Typing in a form (app.js reports it) is use.
            #expect(try await browser.get("/activity").status == .noContent)
            try await Task.sleep(for: .seconds(3))
            #expect(fixture.replica.isUnlocked, "6 s after the page was opened, 3 s after typing")
            // What the page's script fetches after a live event is not use: the lock comes meanwhile.
            let refresh: HTTPFields = [UnlockGuard.refreshHeader: "1"]
            var lockedPage: TestResponse?
            for _ in 0..<60 {
                let page = try await browser.get("/clients/\(fixture.client)", extra: refresh)
                if page.status == .unauthorized {
                    lockedPage = page
                    break
                }
                #expect(page.status == .ok)
                try await Task.sleep(for: .milliseconds(250))
            }
            let locked = try #require(lockedPage, "refreshes every 250 ms for 15 s kept it unlocked")
            #expect(!fixture.replica.isUnlocked && !locked.text.contains("Jaap"), "the page's script reloads on 401")
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
