import Casework
import ChangeLog
import Foundation
import JourneyViews
import SamenspelTestSupport
import Testing

@Suite struct JourneyHTMLRendererTests {
    let html = JourneyHTMLRenderer(timeZone: TimeZone(identifier: "Europe/Amsterdam")!).render(jaapJourney())

    @Test func page_isSelfContained_noNetworkNoScripts() {
        #expect(html.hasPrefix("<!doctype html>"))
        for forbidden in ["https://", "<script", "<link", "@import", "src=", "<iframe", "<img"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        // The only address in the page is the SVG namespace, which is a name, not a download.
        let addresses = html.components(separatedBy: "http://").count - 1
        #expect(addresses == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1)
    }

    @Test func page_escapesEverythingItShows() {
        #expect(html.contains("Jaap &lt;de &quot;tester&quot;&gt;"))
        #expect(!html.contains("<de \"tester\">"))
    }

    @Test func page_hasLanesPerDiscipline_theMatrix_thePicture_andTheSignal() {
        #expect(html.contains("<section id=\"signals\">"))
        #expect(html.contains("class=\"signal high\""))
        #expect(html.contains("<svg"))
        #expect(html.contains("sanction announcement (corrective) · income consultant"))
        #expect(html.contains("class=\"minus corrective\""), "the valence is in the picture")
        #expect(html.contains("Per core behaviour"))
        #expect(html.contains("red box: a discipline scores 2 or lower"))
        #expect(html.contains("<table class=\"lanes\">"))
        #expect(html.contains("<th scope=\"col\">client manager</th><th scope=\"col\">income consultant</th><th scope=\"col\">account manager</th>"))
        #expect(html.contains("<table class=\"matrix\">"))
        #expect(html.contains("@media print"))
    }

    @Test func page_showsTheClientsOwnView_referralsAndVacancies_escaped() throws {
        let sanne = TestAuthor(name: "Sanne Bakker", discipline: .clientManager)
        let petra = TestAuthor(name: "Petra de Jong", discipline: .accountManager)
        let client = Identifier.make(wallMillis: 1)
        var f = ChangeFactory(wallMillis: 1_764_412_171_123)
        let referral = f.make(.referralAdded(Referral(to: .accountManager, reason: "Klaar <voor> werk")), client: client, by: sanne)
        let changes = [
            f.register(client: client, name: "Jaap", team: Identifier.make(wallMillis: 2)),
            f.make(.assessmentRecorded(Assessment(determinant: .selfEfficacy, score: .known(1))), client: client, by: sanne),
            f.make(.clientViewRecorded(Assessment(determinant: .selfEfficacy, score: .known(4), explanation: "ik kan het")),
                   client: client, by: sanne),
            referral,
            f.make(.referralAnswered(ReferralAnswer(status: .declined, reason: "nog niet"), supersedes: [referral.id]),
                   client: client, entity: referral.entityId, by: petra),
            f.make(.vacancyAdded(Vacancy(employer: "Logistiek & Co", title: "Orderpicker", status: .interview)),
                   client: client, by: petra),
        ]
        let journey = JourneyProjection.project(
            clientId: client, changes: changes,
            directory: [sanne.professional.id: sanne.professional, petra.professional.id: petra.professional])
        let page = JourneyHTMLRenderer(timeZone: TimeZone(identifier: "Europe/Amsterdam")!, language: .nl).render(journey)
        #expect(page.contains("<th scope=\"col\" class=\"client\">de klant zelf</th>"))
        #expect(page.contains("≠ de klant ziet het anders"))
        #expect(page.contains("<section id=\"referrals\">") && page.contains("[afgewezen] klantmanager → accountmanager: Klaar &lt;voor&gt; werk"))
        #expect(page.contains("Petra de Jong (accountmanager)") && page.contains(": nog niet"))
        #expect(page.contains("<section id=\"vacancies\">") && page.contains("[op gesprek] Orderpicker · Logistiek &amp; Co"))
        #expect(!page.contains("Klaar <voor>"))
    }

    @Test func dutchPage_saysLangNl_andLeadsWithTheName() throws {
        let dutch = JourneyHTMLRenderer(language: .nl).render(jaapJourney())
        #expect(dutch.contains("<html lang=\"nl\">"))
        #expect(dutch.contains("Krachtenveld"))
        #expect(dutch.contains("aankondiging van een maatregel (corrigerend) · inkomensconsulent"))
        // The page leads with the client's name; the ids close it.
        let name = try #require(dutch.range(of: "<h1>Klantreis: Jaap")?.lowerBound)
        let ids = try #require(dutch.range(of: " · klant ")?.lowerBound)
        #expect(name < ids && dutch[ids...].contains("</footer>"))
    }
}
