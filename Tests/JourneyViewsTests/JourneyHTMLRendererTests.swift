import Casework
import Foundation
import JourneyViews
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
