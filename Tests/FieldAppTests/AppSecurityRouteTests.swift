import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Replica
import Testing

/// The hostile cases: no secret, a wrong secret, a wrong Host (DNS rebinding), a form without its token or
/// from another origin. Each is refused with nothing of the replica shown and nothing stored.
@Suite struct AppSecurityRouteTests {
    @Test func theLaunchURL_opensOneSession_inAnHttpOnlyStrictCookie_andIsThenSpent() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let secret = fixture.app.configuration.secret
        try await fixture.app.makeApplication().test(.router) { client in
            let browser = Browser(client: client, formToken: fixture.app.configuration.formToken, cookie: "")
            let response = try await browser.get("/clients/\(fixture.client)?key=\(secret)", cookie: "")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/clients/\(fixture.client)")
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.hasPrefix(Browser.sessionCookieName + "="))
            #expect(!cookie.contains(secret))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            let session = String(try #require(cookie.split(separator: ";").first))
            let page = try await browser.get("/", cookie: session)
            #expect(page.status == .ok)
            #expect(page.text.contains("Jaap"))
            // The link works once: a copy of it (history, a process list) opens nothing.
            let again = try await browser.get("/?key=\(secret)", cookie: "")
            #expect(again.status == .forbidden)
            #expect(again.text.contains("al gebruikt"))
            #expect(again.headers[.setCookie] == nil)
            #expect(try await browser.get("/", cookie: "\(Browser.sessionCookieName)=\(secret)").status == .forbidden)
            #expect(try await browser.get("/", cookie: session).status == .ok)
        }
    }

    @Test func theLaunchRedirect_staysOnThisApp() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        try await fixture.app.makeApplication().test(.router) { client in
            let browser = Browser(client: client, formToken: "", cookie: "")
            let response = try await browser.get("//evil.example/?key=\(fixture.app.configuration.secret)", cookie: "")
            #expect(response.headers[.location] == "/")
        }
    }

    @Test func withoutTheSecret_everyRouteIsForbidden_andShowsNothingOfTheReplica() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        let before = try await fixture.changeCount()
        try await fixture.withBrowser { browser in
            // The session with its last character changed (to another one: a token may end in "0" already).
            let token = String(browser.cookie.split(separator: "=")[1])
            let forged = Browser.sessionCookieName + "=" + String(token.dropLast()) + (token.last == "0" ? "1" : "0")
            for uri in ["/", "/clients/\(client)", "/review", "/sync", "/events", "/assets/app.css", "/clients/\(client)/notes/new"] {
                for cookie in ["", "\(Browser.sessionCookieName)=0123", forged, "samenspel_session_9999=" + browser.cookie.split(separator: "=")[1]] {
                    let response = try await browser.get(uri, cookie: cookie)
                    #expect(response.status == .forbidden, "\(uri) with cookie '\(cookie)'")
                    #expect(!response.text.contains("Jaap"))
                    #expect(!response.text.contains(fixture.colleagueNote))
                    #expect(!response.text.contains(browser.formToken))
                }
            }
            let wrongKey = try await browser.get("/?key=\(String(repeating: "a", count: 64))", cookie: "")
            #expect(!wrongKey.text.contains("Jaap"))
            #expect(wrongKey.status == .forbidden)
            #expect(wrongKey.headers[.setCookie] == nil)
            let post = try await browser.post("/clients/\(client)/notes", [("text", "sneaky")], cookie: "")
            #expect(post.status == .forbidden)
            #expect(post.text.contains("Open Samenspel via de link"))
        }
        #expect(try await fixture.changeCount() == before)
    }

    @Test func aWrongHostHeader_isRefused_evenWithTheCookie() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        let before = try await fixture.changeCount()
        try await fixture.withBrowser { browser in
            for host in ["evil.example:8484", "127.0.0.1:9999", "127.0.0.1", "localhost.evil.example:8484", ""] {
                let page = try await browser.get("/clients/\(client)", host: host)
                #expect(page.status == .misdirectedRequest, "host \(host)")
                #expect(!page.text.contains(fixture.colleagueNote))
                var rebound = browser
                rebound.host = host
                let post = try await rebound.post("/clients/\(client)/notes", [("text", "via rebinding")])
                #expect(post.status == .misdirectedRequest)
            }
            #expect(try await browser.get("/", host: "localhost:8484").status == .ok)
        }
        #expect(try await fixture.changeCount() == before)
    }

    @Test func everyForm_withoutItsToken_orWithAWrongOne_storesNothing() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        let noteId = try await fixture.replica.addNote(clientId: client, .init(text: "Mijn notitie"))
        let agreementId = try await fixture.replica.addAgreement(clientId: client, .init(text: "Solliciteert", responsible: .client))
        let interventionId = try await fixture.replica.startIntervention(
            clientId: client, .init(kind: "applicationTraining", valence: .supportive, targets: [.skills], behaviour: .jobSearch))
        let before = try await fixture.changeCount()
        let forms: [(String, [(String, String)])] = [
            ("/clients/\(client)/notes", [("text", "zonder token")]),
            ("/clients/\(client)/notes/\(noteId)", [("text", "zonder token")]),
            ("/clients/\(client)/assessments", [("determinant", "skills"), ("score", "3")]),
            ("/clients/\(client)/interventions", [("kind", "vacancyMatch")]),
            ("/clients/\(client)/interventions/\(interventionId)/end", []),
            ("/clients/\(client)/agreements", [("text", "zonder token"), ("responsible", "client")]),
            ("/clients/\(client)/agreements/\(agreementId)/status", [("status", "kept")]),
            ("/clients/\(client)/signals", [("key", "x"), ("reason", "zonder token")]),
            ("/review/refused/x/seen", []),
            ("/sync", []),
            ("/language", [("to", "en"), ("back", "/")]),
        ]
        try await fixture.withBrowser { browser in
            for (uri, fields) in forms {
                for token: String? in [nil, "", String(repeating: "0", count: 64)] {
                    let response = try await browser.post(uri, fields, token: .some(token))
                    #expect(response.status == .forbidden, "\(uri) token \(token ?? "none")")
                    #expect(response.text.contains("niets opgeslagen"))
                    #expect(response.headers[.setCookie] == nil)
                }
            }
        }
        #expect(try await fixture.changeCount() == before)
    }

    @Test func aFormFromAnotherOrigin_isRefused_evenWithTheToken() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        let before = try await fixture.changeCount()
        try await fixture.withBrowser { browser in
            let origin = try await browser.post(
                "/clients/\(client)/notes", [("text", "van elders")], extra: [.origin: "http://evil.example"])
            #expect(origin.status == .forbidden)
            let site = try await browser.post(
                "/clients/\(client)/notes", [("text", "van elders")], extra: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(site.status == .forbidden)
            let json = try await browser.client.execute(
                uri: "/clients/\(client)/notes", method: .post,
                headers: [HTTPField.Name("Host")!: browser.host, .cookie: browser.cookie, .contentType: "application/json"],
                body: ByteBuffer(string: "{\"text\":\"json\",\"csrf\":\"\(browser.formToken)\"}"))
            #expect(json.status == .forbidden)
            let own = try await browser.post(
                "/clients/\(client)/notes", [("text", "van hier")], extra: [.origin: "http://127.0.0.1:8484"])
            #expect(own.status == .seeOther)
        }
        #expect(try await fixture.changeCount() == before + 1)
    }

    @Test func everyAnswer_forbidsFramingScriptsFromElsewhereAndCaching() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        try await fixture.withBrowser { browser in
            for response in [try await browser.get("/"), try await browser.get("/", cookie: "")] {
                let policy = try #require(response.headers[HTTPField.Name("Content-Security-Policy")!])
                #expect(policy.contains("default-src 'none'"))
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(!policy.contains("unsafe-inline"))
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test func pages_loadNothingFromTheNetwork() async throws {
        let fixture = try await AppFixture()
        defer { fixture.folder.remove() }
        let client = fixture.client
        try await fixture.withBrowser { browser in
            for uri in ["/", "/clients/\(client)", "/review", "/sync", "/clients/\(client)/notes/new", "/assets/app.css", "/assets/app.js"] {
                let text = try await browser.get(uri).text
                #expect(!text.contains("https://"), "\(uri) refers to the network")
                #expect(!text.contains("//cdn"), "\(uri)")
                #expect(!text.contains("<script>"), "\(uri) has an inline script")
                #expect(!text.contains("style=\""), "\(uri) has an inline style")
            }
        }
    }
}
