import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import Testing

@Suite struct JourneyTextFormatterTests {
    @Test func text_showsWhoDidWhat_andTheMatrixPerDiscipline() throws {
        let sanne = TestAuthor(name: "Sanne Bakker", discipline: .clientManager)
        let ahmed = TestAuthor(name: "Ahmed El Amrani", discipline: .incomeConsultant)
        let client = Identifier.make(wallMillis: 1)
        var f = ChangeFactory(wallMillis: 1_764_412_171_123)
        let changes = [
            f.register(client: client, name: "Jaap", team: Identifier.make(wallMillis: 2)),
            f.make(.noteAdded(NoteContent(text: "First line\nSecond line")), client: client, by: sanne),
            f.make(.assessmentRecorded(Assessment(determinant: .selfEfficacy, score: .known(1))), client: client, by: sanne),
            f.make(.assessmentRecorded(Assessment(determinant: .context, score: .known(2))), client: client, by: ahmed),
            f.make(.interventionStarted(InterventionPlan(kind: "sanctionAnnouncement", valence: .corrective,
                                                         targets: [.socialPressure], behaviour: .compliance)),
                   client: client, by: ahmed),
        ]
        let directory = [sanne.professional.id: sanne.professional, ahmed.professional.id: ahmed.professional]
        let journey = JourneyProjection.project(clientId: client, changes: changes, directory: directory)
        let text = JourneyTextFormatter(timeZone: TimeZone(identifier: "Europe/Amsterdam")!).format(journey)
        #expect(text.hasPrefix("Client journey: Jaap\n"))
        #expect(text.contains("29-11-2025 11:29  administrator\n"))
        #expect(text.contains("Sanne Bakker (client manager)"))
        #expect(text.contains("        First line\n        Second line\n"))
        #expect(text.contains("assessed self-efficacy: 1/5"))
        #expect(text.contains("started sanction announcement (corrective) on social pressure [compliance]"))
        let selfEfficacyRow = try #require(text.split(separator: "\n").first { $0.contains("    self-efficacy") })
        #expect(selfEfficacyRow.split(separator: " ", omittingEmptySubsequences: true) == ["self-efficacy", "1", "–", "–"])
        let contextRow = try #require(text.split(separator: "\n").first { $0.hasPrefix("    context") })
        #expect(contextRow.split(separator: " ", omittingEmptySubsequences: true) == ["context", "–", "2", "–"])
    }
}
