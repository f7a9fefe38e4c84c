import Casework
import ChangeLog
import SamenspelTestSupport
import Foundation
import Testing

/// A client's changes built step by step, one day apart unless told otherwise.
struct Scenario {
    let client = Identifier.make(wallMillis: 1)
    let cm = TestAuthor(name: "Sanne", discipline: .clientManager)
    let ic = TestAuthor(name: "Ahmed", discipline: .incomeConsultant)
    let am = TestAuthor(name: "Petra", discipline: .accountManager)
    var factory = ChangeFactory(wallMillis: 1_764_400_000_000, step: 86_400_000)
    var changes: [Change] = []
    var settings = ForceFieldSettings.standard

    init() {
        changes.append(factory.register(client: client, name: "Jaap", team: Identifier.make(wallMillis: 2)))
    }

    mutating func assess(_ determinant: Determinant, _ score: Int, by author: TestAuthor? = nil) {
        changes.append(factory.make(
            .assessmentRecorded(Assessment(determinant: determinant, score: .known(score))), client: client, by: author ?? cm))
    }

    @discardableResult
    mutating func start(_ kind: String, _ valence: Valence, _ targets: [Determinant], behaviour: CoreBehaviour? = nil,
                        by author: TestAuthor? = nil, status: InterventionStatus = .active) -> String {
        let change = factory.make(
            .interventionStarted(InterventionPlan(kind: kind, valence: valence, targets: targets, behaviour: behaviour,
                                                  status: status)),
            client: client, by: author ?? cm)
        changes.append(change)
        return change.entityId
    }

    mutating func end(_ id: String, by author: TestAuthor) {
        let start = changes.first { $0.entityId == id }!
        let latest = changes.filter { $0.entityId == id }.last!
        guard case .interventionStarted(let plan)? = try? CaseEvent.decode(start) else { return }
        changes.append(factory.make(
            .interventionUpdated(InterventionUpdate(status: .ended, targets: plan.targets), supersedes: [latest.id]),
            client: client, entity: id, by: author))
    }

    mutating func wait(days: Int) {
        factory.wallMillis += Int64(days) * 86_400_000
    }

    mutating func note() {
        changes.append(factory.make(.noteAdded(NoteContent(text: "something happened")), client: client, by: cm))
    }

    var journey: ClientJourney {
        JourneyProjection.project(
            clientId: client, changes: changes,
            directory: Dictionary(uniqueKeysWithValues: [cm, ic, am].map { ($0.professional.id, $0.professional) }),
            settings: settings)
    }

    var signals: [ForceFieldSignal] { journey.forceField.signals }

    func fired(_ rule: SignalRule) -> [ForceFieldSignal] { signals.filter { $0.rule == rule } }
}

@Suite struct ForceFieldRulesTests {
    // MARK: Rule 1

    func jaap(selfEfficacy: Int = 1, context: Int = 1) -> Scenario {
        var scenario = Scenario()
        scenario.assess(.selfEfficacy, selfEfficacy)
        scenario.assess(.context, context, by: scenario.ic)
        scenario.start("sanctionAnnouncement", .corrective, [.socialPressure], behaviour: .compliance, by: scenario.ic)
        return scenario
    }

    @Test func rule1_firesHigh_forASanctionAlone_onLowSelfEfficacyAndContext() throws {
        let signal = try #require(jaap().fired(.correctiveWithoutSupport).first)
        #expect(signal.severity == .high)
        #expect(signal.missing == [.supportOnSelfEfficacy, .facilitationOnContextOrBarriers])
        #expect(signal.reason.contains("sanction announcement") || signal.reason.contains("Sanction announcement"))
        #expect(signal.reason.contains("self-efficacy 1"))
        #expect(signal.suggestion.contains("self-efficacy"))
        #expect(signal.key.hasPrefix("correctiveWithoutSupport:"))
    }

    @Test func rule1_atTheBoundary_firesAtTwo_notAtThree() {
        #expect(!jaap(selfEfficacy: 2, context: 2).fired(.correctiveWithoutSupport).isEmpty)
        #expect(jaap(selfEfficacy: 3, context: 1).fired(.correctiveWithoutSupport).isEmpty)
        #expect(jaap(selfEfficacy: 1, context: 3).fired(.correctiveWithoutSupport).isEmpty)
    }

    @Test func rule1_practicalBarriersCountAsBeingStuckToo() {
        var scenario = Scenario()
        scenario.assess(.selfEfficacy, 2)
        scenario.assess(.practicalBarriers, 2, by: scenario.am)
        scenario.start("sanction", .corrective, [.socialPressure], by: scenario.ic)
        #expect(scenario.fired(.correctiveWithoutSupport).count == 1)
    }

    @Test func rule1_eitherSupportClearsIt_asTheRuleAsksForNeither() {
        var coached = jaap()
        coached.start("selfEfficacyCoaching", .supportive, [.selfEfficacy])
        #expect(coached.fired(.correctiveWithoutSupport).isEmpty)

        var eased = jaap()
        let barrier = eased.start("barrierRemoval", .facilitating, [.practicalBarriers], by: eased.am)
        #expect(eased.fired(.correctiveWithoutSupport).isEmpty)
        eased.end(barrier, by: eased.am)
        #expect(eased.fired(.correctiveWithoutSupport).count == 1, "an ended intervention is no force")
    }

    @Test func rule1_supportElsewhere_orOfTheWrongValence_doesNotClearIt() {
        var elsewhere = jaap()
        elsewhere.start("motivationalInterview", .supportive, [.attitude])  // supportive, but not on self-efficacy
        elsewhere.start("applicationTraining", .facilitating, [.skills])  // facilitating, but not on context/barriers
        #expect(elsewhere.fired(.correctiveWithoutSupport).count == 1)

        var wrongValence = jaap()
        wrongValence.start("selfEfficacyTalk", .facilitating, [.selfEfficacy])  // not supportive
        wrongValence.start("contextTalk", .supportive, [.context])  // not facilitating
        #expect(wrongValence.fired(.correctiveWithoutSupport).count == 1)
    }

    @Test func rule1_theMostWorriedDisciplineCounts_andUnknownScoresDoNot() {
        var scenario = Scenario()
        scenario.assess(.selfEfficacy, 4)
        scenario.assess(.selfEfficacy, 2, by: scenario.ic)  // the income consultant sees it differently
        scenario.assess(.context, 1)
        scenario.start("sanction", .corrective, [.socialPressure], by: scenario.ic)
        #expect(scenario.fired(.correctiveWithoutSupport).count == 1)
        #expect(scenario.journey.determinants.first { $0.determinant == .selfEfficacy }?.disagreement == true)

        var unknown = Scenario()
        unknown.changes.append(unknown.factory.make(
            .assessmentRecorded(Assessment(determinant: .selfEfficacy, score: .unknown)), client: unknown.client, by: unknown.cm))
        unknown.assess(.context, 1)
        unknown.start("sanction", .corrective, [.socialPressure], by: unknown.ic)
        #expect(unknown.fired(.correctiveWithoutSupport).isEmpty)
    }

    @Test func rule1_aPlannedSanctionIsNoForceYet() {
        var scenario = Scenario()
        scenario.assess(.selfEfficacy, 1)
        scenario.assess(.context, 1)
        scenario.start("sanctionAnnouncement", .corrective, [.socialPressure], by: scenario.ic, status: .planned)
        #expect(scenario.signals.isEmpty)
    }

    // MARK: Rule 2

    @Test func rule2_correctiveOnJobSearch_whileSkillsLow_withoutWorkOnThem() throws {
        var scenario = Scenario()
        scenario.assess(.skills, 2)
        scenario.assess(.selfRegulation, 3)
        scenario.start("agreementReminder", .corrective, [.socialPressure], behaviour: .jobSearch, by: scenario.ic)
        let signal = try #require(scenario.fired(.correctiveOnJobSearchWithoutSkills).first)
        #expect(signal.lowScores == [LowScore(determinant: .skills, score: 2)])
        #expect(signal.missing == [.workOnSkills])
        scenario.start("applicationTraining", .facilitating, [.skills])
        #expect(scenario.fired(.correctiveOnJobSearchWithoutSkills).isEmpty)
    }

    @Test func rule2_doesNotFire_onOtherBehaviours_orAtThree() {
        var otherBehaviour = Scenario()
        otherBehaviour.assess(.selfRegulation, 1)
        otherBehaviour.start("sanction", .corrective, [.socialPressure], behaviour: .compliance, by: otherBehaviour.ic)
        #expect(otherBehaviour.fired(.correctiveOnJobSearchWithoutSkills).isEmpty)
        var three = Scenario()
        three.assess(.skills, 3)
        three.assess(.selfRegulation, 3)
        three.start("sanction", .corrective, [.socialPressure], behaviour: .jobSearch, by: three.ic)
        #expect(three.fired(.correctiveOnJobSearchWithoutSkills).isEmpty)
    }

    @Test func rule2_firesOnLowSelfRegulationAlone_notForNormativePressure() throws {
        var regulation = Scenario()
        regulation.assess(.skills, 4)
        regulation.assess(.selfRegulation, 2)
        regulation.start("sanction", .corrective, [.socialPressure], behaviour: .jobSearch, by: regulation.ic)
        #expect(try #require(regulation.fired(.correctiveOnJobSearchWithoutSkills).first).missing == [.workOnSelfRegulation])
        regulation.start("jobCoaching", .supportive, [.selfRegulation])
        #expect(regulation.fired(.correctiveOnJobSearchWithoutSkills).isEmpty, "any intervention on the low one clears it")

        var normative = Scenario()
        normative.assess(.skills, 1)
        normative.start("agreementReminder", .normative, [.socialPressure], behaviour: .jobSearch, by: normative.ic)
        #expect(normative.fired(.correctiveOnJobSearchWithoutSkills).isEmpty)
    }

    // MARK: Rule 3

    @Test func rule3_pressureFromTwoDisciplinesWithinTheWindow_withoutSupport() throws {
        var scenario = Scenario()
        scenario.assess(.attitude, 3)
        scenario.start("sanctionAnnouncement", .corrective, [.socialPressure], by: scenario.ic)
        scenario.wait(days: 29)  // starts are 30 days apart: still within 30 days
        scenario.start("agreementReminder", .normative, [.socialPressure], by: scenario.cm)
        let signal = try #require(scenario.fired(.pressureFromSeveralDisciplines).first)
        #expect(signal.disciplines == [.clientManager, .incomeConsultant])
        #expect(signal.severity == .medium)
        scenario.start("motivationalInterview", .supportive, [.attitude])
        #expect(scenario.fired(.pressureFromSeveralDisciplines).isEmpty)
    }

    @Test func rule3_notBeyondTheWindow_notFromOneDiscipline() {
        var apart = Scenario()
        apart.start("sanctionAnnouncement", .corrective, [.socialPressure], by: apart.ic)
        apart.wait(days: 30)  // 31 days apart
        apart.start("agreementReminder", .normative, [.socialPressure], by: apart.cm)
        #expect(apart.fired(.pressureFromSeveralDisciplines).isEmpty)

        var one = Scenario()
        one.start("sanctionAnnouncement", .corrective, [.socialPressure], by: one.ic)
        one.start("agreementReminder", .normative, [.socialPressure], by: one.ic)
        #expect(one.fired(.pressureFromSeveralDisciplines).isEmpty)
    }

    @Test func rule3_threeDisciplinesIsHigh_andTheWindowIsConfiguration() throws {
        var scenario = Scenario()
        scenario.start("sanctionAnnouncement", .corrective, [.socialPressure], by: scenario.ic)
        scenario.start("agreementReminder", .normative, [.socialPressure], by: scenario.cm)
        scenario.start("agreementReminder", .normative, [.socialPressure], by: scenario.am)
        #expect(try #require(scenario.fired(.pressureFromSeveralDisciplines).first).severity == .high)
        scenario.settings.pressureWindowDays = 0
        #expect(scenario.fired(.pressureFromSeveralDisciplines).isEmpty, "one day apart is outside a 0-day window")
    }

    // MARK: Rule 4

    @Test func rule4_correctiveWithoutAnyAssessment() throws {
        var scenario = Scenario()
        scenario.start("sanction", .corrective, [.socialPressure], by: scenario.ic)
        #expect(try #require(scenario.fired(.correctiveWithoutRecentAssessment).first).missing == [.recentAssessment])
    }

    @Test func rule4_assessmentsOlderThanTheLimitAreStale_atTheBoundaryNot() {
        var fresh = Scenario()
        fresh.assess(.attitude, 4)
        fresh.wait(days: 89)  // the sanction is then 90 days after the assessment
        fresh.start("sanction", .corrective, [.socialPressure], by: fresh.ic)
        #expect(fresh.fired(.correctiveWithoutRecentAssessment).isEmpty)

        var stale = Scenario()
        stale.assess(.attitude, 4)
        stale.wait(days: 90)
        stale.start("sanction", .corrective, [.socialPressure], by: stale.ic)
        #expect(stale.fired(.correctiveWithoutRecentAssessment).count == 1)

        var later = Scenario()
        later.assess(.attitude, 4)
        later.start("sanction", .corrective, [.socialPressure], by: later.ic)
        later.wait(days: 100)
        later.note()  // time moves on as the journey does
        #expect(later.fired(.correctiveWithoutRecentAssessment).count == 1)
    }

    @Test func rule4_isAboutCorrection_notNormativePressure() {
        var scenario = Scenario()
        scenario.start("agreementReminder", .normative, [.socialPressure], by: scenario.ic)
        #expect(scenario.fired(.correctiveWithoutRecentAssessment).isEmpty)
    }

    // MARK: Rule 5

    @Test func rule5_onlySkillsInterventions_whileWantingIsLow() throws {
        var scenario = Scenario()
        scenario.assess(.attitude, 2)
        scenario.start("applicationTraining", .facilitating, [.skills])
        let signal = try #require(scenario.fired(.onlySkillsWhileWantingLow).first)
        #expect(signal.key == "onlySkillsWhileWantingLow")
        scenario.start("motivationalInterview", .supportive, [.attitude])
        #expect(scenario.fired(.onlySkillsWhileWantingLow).isEmpty)
    }

    @Test func rule5_doesNotFire_whenWantingIsFine_orWithoutInterventions() {
        var fine = Scenario()
        fine.assess(.attitude, 3)
        fine.assess(.selfEfficacy, 3)
        fine.start("applicationTraining", .facilitating, [.skills])
        #expect(fine.fired(.onlySkillsWhileWantingLow).isEmpty)
        var none = Scenario()
        none.assess(.attitude, 1)
        #expect(none.signals.isEmpty)
    }

    // MARK: Rule 6

    @Test func rule6_placementWhileSelfRegulationLow_withoutCoaching() throws {
        var scenario = Scenario()
        scenario.assess(.selfRegulation, 2)
        scenario.start("vacancyMatch", .facilitating, [.skills], behaviour: .employerConnection, by: scenario.am)
        #expect(try #require(scenario.fired(.placementWithoutCoaching).first).missing == [.coachingOrAftercare])
        scenario.start("jobCoaching", .supportive, [.selfRegulation], by: scenario.am)
        #expect(scenario.fired(.placementWithoutCoaching).isEmpty)
    }

    @Test func rule6_atThreeNot_andPlacementKindsAreConfiguration() {
        var three = Scenario()
        three.assess(.selfEfficacy, 3)
        three.assess(.selfRegulation, 3)
        three.start("vacancyMatch", .facilitating, [.skills], by: three.am)
        #expect(three.fired(.placementWithoutCoaching).isEmpty)

        var custom = Scenario()
        custom.assess(.selfEfficacy, 1)
        custom.start("detachering", .facilitating, [.skills], by: custom.am)
        #expect(custom.fired(.placementWithoutCoaching).isEmpty)
        custom.settings.placementKinds = ["detachering"]
        #expect(custom.fired(.placementWithoutCoaching).count == 1)
    }

    @Test func rule6_aSupportiveInterventionOnSelfEfficacyCountsAsCoaching_oneElsewhereDoesNot() {
        var scenario = Scenario()
        scenario.assess(.selfEfficacy, 2)
        scenario.start("vacancyMatch", .facilitating, [.skills], behaviour: .employerConnection, by: scenario.am)
        scenario.start("motivationalInterview", .supportive, [.attitude])
        #expect(scenario.fired(.placementWithoutCoaching).count == 1, "support on attitude is no aftercare")
        scenario.start("buddy", .supportive, [.selfEfficacy])
        #expect(scenario.fired(.placementWithoutCoaching).isEmpty)
    }

    // MARK: Acknowledgements, determinism

    @Test func acknowledgement_isShownWithTheSignal_andDoesNotHideIt() throws {
        var scenario = jaap()
        let key = try #require(scenario.fired(.correctiveWithoutSupport).first).key
        scenario.changes.append(scenario.factory.make(
            .signalAcknowledged(SignalAcknowledgement(signal: key, reason: "discussed in the team meeting")),
            client: scenario.client, by: scenario.ic))
        let signal = try #require(scenario.fired(.correctiveWithoutSupport).first)
        #expect(signal.acknowledgements.map(\.reason) == ["discussed in the team meeting"])
        #expect(signal.acknowledgements.first?.by.name == "Ahmed")
        #expect(scenario.journey.timeline.last?.event == "signal.acknowledge")
    }

    @Test func forceField_isTheSameForTheSameChanges_inAnyOrder() {
        var scenario = jaap()
        scenario.start("vacancyMatch", .facilitating, [.skills], by: scenario.am)
        scenario.start("agreementReminder", .normative, [.socialPressure], behaviour: .jobSearch, by: scenario.cm)
        let expected = scenario.journey.canonicalJSON()
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<30 {
            var shuffled = scenario
            shuffled.changes.shuffle(using: &generator)
            #expect(shuffled.journey.canonicalJSON() == expected)
        }
    }

    @Test func settings_decodeWithDefaults_andRejectNonsense() throws {
        let partial = try JSONDecoder().decode(ForceFieldSettings.self, from: Data(#"{"lowScore": 1}"#.utf8))
        #expect(partial.lowScore == 1 && partial.pressureWindowDays == 30)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ForceFieldSettings.self, from: Data(#"{"lowScore": 9}"#.utf8))
        }
    }

    @Test func settings_refuseAMisspeltKey_insteadOfKeepingTheDefaultSilently() {
        do {
            _ = try JSONDecoder().decode(ForceFieldSettings.self, from: Data(#"{"pressureWindowDay": 5}"#.utf8))
            Issue.record("a misspelt key was accepted")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription.contains("pressureWindowDay"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func dutchTexts_nameTheRuleInDutch() throws {
        let signal = try #require(jaap().fired(.correctiveWithoutSupport).first)
        let text = SignalText.describe(signal, in: .nl)
        #expect(text.reason.contains("Aankondiging van een maatregel loopt terwijl de scores laag zijn"))
        #expect(text.reason.contains("geloof in eigen kunnen 1"))
        #expect(text.suggestion.contains("geloof in eigen kunnen"))
    }
}
