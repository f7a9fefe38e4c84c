import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Replica
import SamenspelTestSupport
import Synchronization
import Testing

@testable import FieldApp

/// An app that stays open for a working day: the session outlives a closed browser (a cookie with a
/// lifetime) and a restart of the app on the same replica (hashed in the replica folder), and ends at once
/// on "Nu vergrendelen", which announces a new link.
@Suite struct AppSessionTests {
    @Test func aSession_survivesAClosedBrowserAndARestart_untilLockedNow_thenANewLinkOpens() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let announced = Mutex<[String]>([])
        func app() -> FieldApp {
            FieldApp(
                replica: fixture.replica, background: fixture.background,
                configuration: FieldAppConfiguration(
                    port: AppFixture.port, language: .nl, sessionHours: 8, sessionOwner: fixture.me.deviceId),
                announce: { url in announced.withLock { $0.append(url) } })
        }
        let first = app()
        let session = try await first.makeApplication().test(.router) { client in
            let browser = Browser(client: client, formToken: first.configuration.formToken, cookie: "")
            let opened = try await browser.get("/?key=\(first.configuration.secret)", cookie: "")
            let cookie = try #require(opened.headers[.setCookie])
            // A lifetime, so closing the browser does not end it.
            #expect(cookie.contains("Max-Age=28800") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let session = String(try #require(cookie.split(separator: ";").first))
            // The spent link again, from the browser that holds the session: in, not an error.
            let again = try await browser.get("/?key=\(first.configuration.secret)", cookie: session)
            #expect(again.status == .seeOther && again.headers[.location] == "/")
            return session
        }
        let token = String(session.split(separator: "=")[1])
        let file = fixture.folder.appending(Replica.appSessionsFileName)
        #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains(token), "only a hash is kept")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode == 0o600)

        // The app restarted on the same replica, with a new launch secret: the browser is still signed in.
        let second = app()
        try await second.makeApplication().test(.router) { client in
            let browser = Browser(client: client, formToken: second.configuration.formToken, cookie: session)
            let page = try await browser.get("/")
            #expect(page.status == .ok && page.text.contains("Nu vergrendelen"))
            // A second browser, opened with this launch's link: locking ends its session too.
            let other = try await browser.openLaunchURL(key: second.configuration.secret)
            #expect(try await browser.get("/", cookie: other).status == .ok)
            let locked = try await browser.post("/lock", [])
            #expect(locked.status == .ok && locked.text.contains("Samenspel is vergrendeld"))
            #expect(locked.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(!locked.text.contains("Jaap"))
            #expect(try await browser.get("/").status == .forbidden)
            #expect(try await browser.get("/", cookie: other).status == .forbidden)
            // A new link, printed where the app runs, opens it again; the old launch secret does not.
            let url = try #require(announced.withLock { $0.last })
            let key = String(try #require(url.split(separator: "=").last))
            #expect(key != second.configuration.secret)
            let fresh = try await browser.openLaunchURL(key: key)
            // The replica's keys left memory too: the passphrase is asked first.
            #expect(try await browser.get("/", cookie: fresh).text.contains("Samenspel is op slot"))
            #expect(!second.replica.isUnlocked)
        }
        #expect(announced.withLock { $0.count } == 1)
    }

    @Test func sessions_expireAfterTheirLifetime_alsoWhenReadBackFromTheFolder() throws {
        let folder = try TemporaryDirectory("sessions")
        defer { folder.remove() }
        let clock = ManualClock(1_000_000)
        let sessions = Sessions(key: "launch", lifetimeSeconds: 60, folder: folder.path, owner: "device-1", now: clock.now)
        #expect(sessions.exchange("wrong") == nil)
        let token = try #require(sessions.exchange("launch"))
        #expect(sessions.exchange("launch") == nil, "the key is spent")
        #expect(sessions.isValid(token) && !sessions.isValid(token + "0"))
        let reread = Sessions(key: "next", lifetimeSeconds: 60, folder: folder.path, owner: "device-1", now: clock.now)
        #expect(reread.isValid(token))
        clock.advance(by: 60_001)
        #expect(!sessions.isValid(token) && !reread.isValid(token))
        #expect(!Sessions(key: "later", lifetimeSeconds: 60, folder: folder.path, owner: "device-1", now: clock.now).isValid(token))
    }

    @Test func keptSessions_belongToOneEnrollment_andAWipedReplicaOpensNone() throws {
        let folder = try TemporaryDirectory("sessions")
        defer { folder.remove() }
        let clock = ManualClock(1_000_000)
        let sessions = Sessions(key: "launch", folder: folder.path, owner: "device-1", now: clock.now)
        let token = try #require(sessions.exchange("launch"))
        #expect(Sessions(key: "next", folder: folder.path, owner: "device-1", now: clock.now).isValid(token))
        // Another enrollment in the same folder does not inherit the browser's session.
        #expect(!Sessions(key: "next", folder: folder.path, owner: "device-2", now: clock.now).isValid(token))
        // Without an owner nothing is read or written.
        #expect(!Sessions(key: "next", folder: folder.path, now: clock.now).isValid(token))
        // Wiped: the launch key opens nothing, and the file is not written again.
        try FileManager.default.removeItem(atPath: folder.appending(Replica.appSessionsFileName))
        _ = FileManager.default.createFile(atPath: folder.appending(Replica.wipeNoticeFileName), contents: Data("{}".utf8))
        let afterWipe = Sessions(key: "launch", folder: folder.path, owner: "device-1", now: clock.now)
        #expect(afterWipe.exchange("launch") == nil)
        _ = afterWipe.lock()
        #expect(!FileManager.default.fileExists(atPath: folder.appending(Replica.appSessionsFileName)))
    }
}
