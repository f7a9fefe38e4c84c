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

    mutating func assess(_ determinant: Determinant, _ score: Int, for behaviour: CoreBehaviour? = nil,
                         by author: TestAuthor? = nil) {
        changes.append(factory.make(
            .assessmentRecorded(Assessment(determinant: determinant, score: .known(score), behaviour: behaviour)),
            client: client, by: author ?? cm))
    }

    /// The client's own view, written down by the client manager.
    mutating func clientSays(_ determinant: Determinant, _ score: Int, about behaviour: CoreBehaviour? = nil) {
        changes.append(factory.make(
            .clientViewRecorded(Assessment(determinant: determinant, score: .known(score), behaviour: behaviour)),
            client: client, by: cm))
    }

    @discardableResult
    mutating func agree(_ text: String, status: AgreementStatus) -> String {
        let change = factory.make(
            .agreementAdded(Agreement(text: text, responsible: .client, status: status)), client: client, by: cm)
        changes.append(change)
        return change.entityId
    }

    @discardableResult
    mutating func refer(to discipline: Discipline, by author: TestAuthor? = nil) -> String {
        let change = factory.make(.referralAdded(Referral(to: discipline, reason: "ready for work")), client: client,
                                  by: author ?? cm)
        changes.append(change)
        return change.entityId
    }

    mutating func answer(_ referral: String, _ answer: ReferralAnswer, by author: TestAuthor) {
        let heads = changes.filter { $0.entityId == referral }.map(\.id)
        changes.append(factory.make(.referralAnswered(answer, supersedes: [heads.last!]), client: client,
                                    entity: referral, by: author))
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

    /// When the journey is read; `nil`: as of the latest change.
    var readAt: Int64?

    var journey: ClientJourney {
        JourneyProjection.project(
            clientId: client, changes: changes,
            directory: Dictionary(uniqueKeysWithValues: [cm, ic, am].map { ($0.professional.id, $0.professional) }),
            settings: settings, readAt: readAt)
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

    /// The article: "Enkel het aankondigen van een sanctie zal in dit voorbeeld onvoldoende zijn […] Een
    /// combinatie van interventies is dan ook veel effectiever" — one support is not the combination.
    @Test func rule1_oneSupportLowersItToMedium_namingWhatIsMissing_theCombinationClearsIt() throws {
        // Tried as a new user would: self-efficacy 1, context 1, barriers 2; a sanction announcement; only coaching.
        var coached = jaap()
        coached.assess(.practicalBarriers, 2, by: coached.am)
        coached.start("selfEfficacyCoaching", .supportive, [.selfEfficacy])
        let medium = try #require(coached.fired(.correctiveWithoutSupport).first)
        #expect(medium.severity == .medium)
        #expect(medium.missing == [.facilitationOnContextOrBarriers])
        #expect(medium.reason.contains("the combination is not complete"))
        #expect(coached.journey.forceField.active.first { $0.kind == "sanctionAnnouncement" }?.effect == .paralyses)
        coached.start("barrierRemoval", .facilitating, [.practicalBarriers, .context], by: coached.am)
        #expect(coached.fired(.correctiveWithoutSupport).isEmpty)
        #expect(coached.journey.forceField.active.first { $0.kind == "sanctionAnnouncement" }?.effect == .stimulates,
                "with the full combination the sanction stimulates")

        var eased = jaap()
        let barrier = eased.start("barrierRemoval", .facilitating, [.practicalBarriers], by: eased.am)
        #expect(try #require(eased.fired(.correctiveWithoutSupport).first).missing == [.supportOnSelfEfficacy])
        eased.end(barrier, by: eased.am)
        #expect(try #require(eased.fired(.correctiveWithoutSupport).first).severity == .high, "an ended intervention is no force")
    }

    @Test func pressure_stimulatesOrParalysesByTheCombination_andIsUnclearWithoutScores() {
        var fine = Scenario()
        fine.assess(.selfEfficacy, 4)
        fine.assess(.context, 4)
        fine.start("sanction", .corrective, [.socialPressure], by: fine.ic)
        #expect(fine.journey.forceField.active.first?.effect == .stimulates, "a client who can is not paralysed")
        #expect(fine.signals.isEmpty)

        var unassessed = Scenario()
        unassessed.start("agreementReminder", .normative, [.socialPressure], by: unassessed.ic)
        #expect(unassessed.journey.forceField.active.first?.effect == .unclear)

        var support = jaap()
        support.start("selfEfficacyCoaching", .supportive, [.selfEfficacy])
        #expect(support.journey.forceField.active.first { $0.kind == "selfEfficacyCoaching" }?.effect == nil,
                "strengthening forces have no pressure effect")
    }

    /// "Keep self-efficacy per core behaviour where an assessment names one."
    @Test func rule1_readsSelfEfficacyPerCoreBehaviour_whereAnAssessmentNamesOne() {
        var scenario = Scenario()
        scenario.assess(.selfEfficacy, 1, for: .jobSearch)
        scenario.assess(.selfEfficacy, 4, for: .compliance)
        scenario.assess(.context, 1, by: scenario.ic)
        scenario.start("sanction", .corrective, [.socialPressure], behaviour: .compliance, by: scenario.ic)
        #expect(scenario.fired(.correctiveWithoutSupport).isEmpty, "about compliance the client believes they can")
        scenario.start("agreementReminder", .corrective, [.socialPressure], behaviour: .jobSearch, by: scenario.cm)
        #expect(scenario.fired(.correctiveWithoutSupport).map(\.kinds) == [["agreementReminder"]])
        // Both stay in the matrix, one per behaviour.
        #expect(scenario.journey.determinants.first { $0.determinant == .selfEfficacy }?.assessments.map(\.behaviour)
                == [.jobSearch, .compliance])

        var pooled = Scenario()
        pooled.assess(.selfEfficacy, 1, for: .jobSearch)  // nobody assessed it for compliance: this is what is known
        pooled.assess(.context, 1, by: pooled.ic)
        pooled.start("sanction", .corrective, [.socialPressure], behaviour: .compliance, by: pooled.ic)
        #expect(pooled.fired(.correctiveWithoutSupport).count == 1)
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

    @Test func rule2_corrective_whileSkillsLow_withoutWorkOnThem() throws {
        var scenario = Scenario()
        scenario.assess(.skills, 2)
        scenario.assess(.selfRegulation, 3)
        scenario.start("agreementReminder", .corrective, [.socialPressure], behaviour: .jobSearch, by: scenario.ic)
        let signal = try #require(scenario.fired(.correctiveWithoutSkills).first)
        #expect(signal.lowScores == [LowScore(determinant: .skills, score: 2)])
        #expect(signal.missing == [.workOnSkills])
        scenario.start("applicationTraining", .facilitating, [.skills])
        #expect(scenario.fired(.correctiveWithoutSkills).isEmpty)
    }

    @Test func rule2_firesForASanctionFiledUnderCompliance_notAtThree() {
        var compliance = Scenario()
        compliance.assess(.selfRegulation, 1)
        compliance.start("sanction", .corrective, [.socialPressure], behaviour: .compliance, by: compliance.ic)
        #expect(compliance.fired(.correctiveWithoutSkills).count == 1, "the catalogue files a sanction under compliance")
        var three = Scenario()
        three.assess(.skills, 3)
        three.assess(.selfRegulation, 3)
        three.start("sanction", .corrective, [.socialPressure], behaviour: .jobSearch, by: three.ic)
        #expect(three.fired(.correctiveWithoutSkills).isEmpty)
    }

    @Test func rule2_firesOnLowSelfRegulationAlone_notForNormativePressure() throws {
        var regulation = Scenario()
        regulation.assess(.skills, 4)
        regulation.assess(.selfRegulation, 2)
        regulation.start("sanction", .corrective, [.socialPressure], behaviour: .jobSearch, by: regulation.ic)
        #expect(try #require(regulation.fired(.correctiveWithoutSkills).first).missing == [.workOnSelfRegulation])
        regulation.start("jobCoaching", .supportive, [.selfRegulation])
        #expect(regulation.fired(.correctiveWithoutSkills).isEmpty, "any intervention on the low one clears it")

        var normative = Scenario()
        normative.assess(.skills, 1)
        normative.start("agreementReminder", .normative, [.socialPressure], behaviour: .jobSearch, by: normative.ic)
        #expect(normative.fired(.correctiveWithoutSkills).isEmpty)
    }

    // MARK: Rule 3

    @Test func rule3_pressureFromTwoDisciplinesActiveAtTheSameTime_withoutSupport() throws {
        var scenario = Scenario()
        scenario.assess(.attitude, 3)
        scenario.start("sanctionAnnouncement", .corrective, [.socialPressure], by: scenario.ic)
        scenario.wait(days: 200)  // started far apart, but both press on the client now
        scenario.start("agreementReminder", .normative, [.socialPressure], by: scenario.cm)
        let signal = try #require(scenario.fired(.pressureFromSeveralDisciplines).first)
        #expect(signal.disciplines == [.clientManager, .incomeConsultant])
        #expect(signal.severity == .medium)
        scenario.start("motivationalInterview", .supportive, [.attitude])
        #expect(scenario.fired(.pressureFromSeveralDisciplines).isEmpty)
    }

    @Test func rule3_notOnceOneHasEnded_notFromOneDiscipline() {
        var ended = Scenario()
        let first = ended.start("sanctionAnnouncement", .corrective, [.socialPressure], by: ended.ic)
        ended.end(first, by: ended.ic)
        ended.start("agreementReminder", .normative, [.socialPressure], by: ended.cm)
        #expect(ended.fired(.pressureFromSeveralDisciplines).isEmpty, "started close together, but not active together")

        var one = Scenario()
        one.start("sanctionAnnouncement", .corrective, [.socialPressure], by: one.ic)
        one.start("agreementReminder", .normative, [.socialPressure], by: one.ic)
        #expect(one.fired(.pressureFromSeveralDisciplines).isEmpty)
    }

    @Test func rule3_threeDisciplinesIsHigh() throws {
        var scenario = Scenario()
        scenario.start("sanctionAnnouncement", .corrective, [.socialPressure], by: scenario.ic)
        scenario.start("agreementReminder", .normative, [.socialPressure], by: scenario.cm)
        scenario.start("agreementReminder", .normative, [.socialPressure], by: scenario.am)
        #expect(try #require(scenario.fired(.pressureFromSeveralDisciplines).first).severity == .high)
    }

    // MARK: Rule 4

    @Test func rule4_correctiveWithoutAnyAssessment() throws {
        var scenario = Scenario()
        scenario.start("sanction", .corrective, [.socialPressure], by: scenario.ic)
        let signal = try #require(scenario.fired(.correctiveWithoutRecentAssessment).first)
        #expect(signal.missing == [.recentAssessment])
        #expect(signal.unassessed == [.selfEfficacy, .context, .practicalBarriers])
    }

    /// Rule 4 asks for the determinants that decide whether the pressure stimulates or paralyses, not any.
    @Test func rule4_countsOnlySelfEfficacyAndContextOrBarriers_notAnyAssessment() throws {
        var scenario = Scenario()
        scenario.assess(.attitude, 4)
        scenario.assess(.skills, 4)
        scenario.start("sanction", .corrective, [.socialPressure], by: scenario.ic)
        #expect(try #require(scenario.fired(.correctiveWithoutRecentAssessment).first).unassessed
                == [.selfEfficacy, .context, .practicalBarriers])
        scenario.assess(.practicalBarriers, 4, by: scenario.am)
        #expect(try #require(scenario.fired(.correctiveWithoutRecentAssessment).first).unassessed == [.selfEfficacy])
        scenario.assess(.selfEfficacy, 4)
        #expect(scenario.fired(.correctiveWithoutRecentAssessment).isEmpty)
    }

    @Test func rule4_assessmentsOlderThanTheLimitAreStale_atTheBoundaryNot() {
        func assessed(_ scenario: inout Scenario) {
            scenario.assess(.selfEfficacy, 4)
            scenario.assess(.context, 4)
        }
        var fresh = Scenario()
        assessed(&fresh)
        fresh.wait(days: 88)  // the sanction is then 90 days after the self-efficacy assessment
        fresh.start("sanction", .corrective, [.socialPressure], by: fresh.ic)
        #expect(fresh.fired(.correctiveWithoutRecentAssessment).isEmpty)

        var stale = Scenario()
        assessed(&stale)
        stale.wait(days: 89)
        stale.start("sanction", .corrective, [.socialPressure], by: stale.ic)
        #expect(stale.fired(.correctiveWithoutRecentAssessment).count == 1)

        var later = Scenario()
        assessed(&later)
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

    /// "En als je het wil, moet (je) het ook nog kunnen. […] blijkt het kunnen minstens net zo belangrijk."
    @Test func rule5_onlyWantingWorkedOn_whileBeingAbleIsLow() throws {
        var scenario = Scenario()
        scenario.assess(.practicalBarriers, 1)
        scenario.assess(.skills, 2)
        scenario.start("motivationalInterview", .supportive, [.attitude])
        scenario.start("selfEfficacyCoaching", .supportive, [.selfEfficacy, .attitude])
        let signal = try #require(scenario.fired(.onlyWantingWhileAbleLow).first)
        #expect(signal.key == "onlyWantingWhileAbleLow")
        #expect(signal.lowScores.map(\.determinant) == [.skills, .practicalBarriers])
        #expect(signal.missing == [.workOnBeingAble])
        scenario.start("applicationTraining", .facilitating, [.skills])
        #expect(scenario.fired(.onlyWantingWhileAbleLow).isEmpty)
    }

    @Test func rule5_doesNotFire_whenBeingAbleIsFine_orWithoutInterventions_orForSkillsWork() {
        var fine = Scenario()
        fine.assess(.skills, 3)
        fine.assess(.attitude, 1)
        fine.start("motivationalInterview", .supportive, [.attitude])
        #expect(fine.fired(.onlyWantingWhileAbleLow).isEmpty)
        var none = Scenario()
        none.assess(.skills, 1)
        #expect(none.signals.isEmpty)
        // Pressure is weighed by rules 1–3, not counted as work on wanting.
        var pressure = Scenario()
        pressure.assess(.context, 1)
        pressure.start("agreementReminder", .normative, [.socialPressure], by: pressure.ic)
        #expect(pressure.fired(.onlyWantingWhileAbleLow).isEmpty)
        // The retired rule's case: only skills work while wanting is low is no longer a signal of its own.
        var skills = Scenario()
        skills.assess(.attitude, 1)
        skills.start("applicationTraining", .facilitating, [.skills])
        #expect(skills.signals.isEmpty)
    }

    // MARK: Rule 6

    @Test func rule6_placementWhileSelfRegulationLow_withoutCoaching() throws {
        var scenario = Scenario()
        scenario.assess(.selfRegulation, 2)
        scenario.start("vacancyMatch", .facilitating, [.context], behaviour: .employerConnection, by: scenario.am)
        #expect(try #require(scenario.fired(.placementWithoutCoaching).first).missing == [.coachingOrAftercare])
        scenario.start("jobCoaching", .supportive, [.selfRegulation], by: scenario.am)
        #expect(scenario.fired(.placementWithoutCoaching).isEmpty)
    }

    @Test func rule6_atThreeNot_andPlacementKindsAreConfiguration() {
        var three = Scenario()
        three.assess(.selfEfficacy, 3)
        three.assess(.selfRegulation, 3)
        three.start("vacancyMatch", .facilitating, [.context], by: three.am)
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
        scenario.start("vacancyMatch", .facilitating, [.context], behaviour: .employerConnection, by: scenario.am)
        scenario.start("motivationalInterview", .supportive, [.attitude])
        #expect(scenario.fired(.placementWithoutCoaching).count == 1, "support on attitude is no aftercare")
        scenario.start("buddy", .supportive, [.selfEfficacy])
        #expect(scenario.fired(.placementWithoutCoaching).isEmpty)
    }

    // MARK: Rule 7

    /// "Dat gaat verder dan reageren op het gedrag van de klant (bijvoorbeeld een sanctie opleggen als de klant
    /// zich niet houdt aan de afspraken)."
    @Test func rule7_anAgreementNotKept_metWithPressureOnly() throws {
        var scenario = Scenario()
        scenario.assess(.selfEfficacy, 3)
        scenario.assess(.context, 3)
        let training = scenario.agree("attend the application training", status: .notKept)
        scenario.start("sanctionAnnouncement", .corrective, [.socialPressure], by: scenario.ic)
        let signal = try #require(scenario.fired(.notKeptMetWithPressureOnly).first)
        #expect(signal.key == "notKeptMetWithPressureOnly:\(training)")
        #expect(signal.agreements == [training])
        #expect(signal.missing == [.workOnAttitudeOrSelfRegulation])
        scenario.start("selfRegulationCoaching", .facilitating, [.selfRegulation])
        #expect(scenario.fired(.notKeptMetWithPressureOnly).isEmpty, "work on self-regulation answers the evidence")
    }

    @Test func rule7_notForAKeptAgreement_oneOfADiscipline_orWithoutPressure() {
        var kept = Scenario()
        kept.agree("call the employer", status: .kept)
        kept.start("sanction", .corrective, [.socialPressure], by: kept.ic)
        #expect(kept.fired(.notKeptMetWithPressureOnly).isEmpty)

        var noPressure = Scenario()
        noPressure.agree("call the employer", status: .notKept)
        noPressure.start("applicationTraining", .facilitating, [.skills])
        #expect(noPressure.fired(.notKeptMetWithPressureOnly).isEmpty)

        var discipline = Scenario()
        discipline.changes.append(discipline.factory.make(
            .agreementAdded(Agreement(text: "send the form", responsible: .discipline(.incomeConsultant), status: .notKept)),
            client: discipline.client, by: discipline.ic))
        discipline.start("sanction", .corrective, [.socialPressure], by: discipline.ic)
        #expect(discipline.fired(.notKeptMetWithPressureOnly).isEmpty, "a professional's broken promise says nothing of the client")
    }

    // MARK: Rule 8

    @Test func rule8_theClientsOwnView_isShownBeside_andALargeDifferenceIsASignal() throws {
        var scenario = Scenario()
        scenario.assess(.selfEfficacy, 4)
        scenario.assess(.selfEfficacy, 3, by: scenario.ic)
        scenario.clientSays(.selfEfficacy, 3)
        let row = try #require(scenario.journey.determinants.first { $0.determinant == .selfEfficacy })
        #expect(row.client.first?.score == .known(3))
        #expect(row.client.first?.recordedBy.name == "Sanne")
        #expect(row.assessments.count == 2, "the client's view is not one of the professionals'")
        #expect(scenario.fired(.clientViewDiffers).isEmpty, "one point apart is no signal")

        scenario.clientSays(.selfEfficacy, 1)
        let signal = try #require(scenario.fired(.clientViewDiffers).first)
        #expect(signal.clientView == ViewDifference(
            determinant: .selfEfficacy, clientScore: 1, professionalScore: 4, discipline: .clientManager))
        #expect(signal.missing == [.conversationWithClient])
        #expect(scenario.journey.determinants.first { $0.determinant == .selfEfficacy }?.client.first?.trend == "down")
        #expect(scenario.journey.forceField.determinants.first { $0.determinant == .selfEfficacy }?.lowestScore == 3,
                "the client's view does not make a determinant score low")
    }

    // MARK: Rule 9

    @Test func rule9_aReferralOpenTooLong_untilItIsAnswered() throws {
        var scenario = Scenario()
        let referral = scenario.refer(to: .accountManager)
        scenario.wait(days: 12)
        scenario.note()
        #expect(scenario.fired(.referralOpen).isEmpty, "13 days is within the default 14")
        scenario.wait(days: 1)
        scenario.note()
        let signal = try #require(scenario.fired(.referralOpen).first)
        #expect(signal.key == "referralOpen:\(referral)")
        #expect(signal.openDays == 15 && signal.disciplines == [.accountManager])
        scenario.settings.referralOpenDays = 30
        #expect(scenario.fired(.referralOpen).isEmpty)
        scenario.settings.referralOpenDays = 14
        scenario.answer(referral, ReferralAnswer(status: .accepted), by: scenario.am)
        #expect(scenario.fired(.referralOpen).isEmpty)
        let view = try #require(scenario.journey.referrals.first)
        #expect(view.status == .accepted && view.answeredBy?.name == "Petra" && view.from == .clientManager)
    }

    @Test func referral_answeredByAnotherDiscipline_isLeftOut_concurrentAnswersConflict() throws {
        var scenario = Scenario()
        let referral = scenario.refer(to: .accountManager)
        scenario.answer(referral, ReferralAnswer(status: .accepted), by: scenario.ic)  // not addressed to them
        #expect(scenario.journey.referrals.first?.status == .open)
        let created = scenario.changes.first { $0.entityId == referral }!.id
        for (author, answer) in [(scenario.am, ReferralAnswer(status: .accepted)),
                                 (scenario.am, ReferralAnswer(status: .declined, reason: "no vacancy fits yet"))] {
            scenario.changes.append(scenario.factory.make(
                .referralAnswered(answer, supersedes: [created]), client: scenario.client, entity: referral, by: author))
        }
        let view = try #require(scenario.journey.referrals.first)
        #expect(view.conflicted)
        #expect(view.status == .declined && view.otherAnswers.map(\.status) == [.accepted])
    }

    @Test func acknowledgement_underARuleNameOfAnEarlierVersion_staysWithItsSignal() throws {
        var scenario = Scenario()
        scenario.assess(.skills, 1)
        let sanction = scenario.start("sanction", .corrective, [.socialPressure], behaviour: .jobSearch, by: scenario.ic)
        scenario.changes.append(scenario.factory.make(
            .signalAcknowledged(SignalAcknowledgement(
                signal: "correctiveOnJobSearchWithoutSkills:\(sanction)", reason: "training starts Monday")),
            client: scenario.client, by: scenario.ic))
        let signal = try #require(scenario.fired(.correctiveWithoutSkills).first)
        #expect(signal.acknowledgements.map(\.reason) == ["training starts Monday"])
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
        scenario.start("vacancyMatch", .facilitating, [.context], by: scenario.am)
        scenario.start("agreementReminder", .normative, [.socialPressure], behaviour: .jobSearch, by: scenario.cm)
        scenario.clientSays(.selfEfficacy, 4)
        let referral = scenario.refer(to: .accountManager)
        scenario.answer(referral, ReferralAnswer(status: .accepted), by: scenario.am)
        scenario.agree("apply for two jobs", status: .notKept)
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
        #expect(partial.lowScore == 1 && partial.referralOpenDays == 14)
        let retired = try JSONDecoder().decode(ForceFieldSettings.self, from: Data(#"{"pressureWindowDays": 30}"#.utf8))
        #expect(retired == .standard, "a file of an earlier version still loads")
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
        #expect(text.reason.contains("De interventie ‘aankondiging van een maatregel’ loopt terwijl de scores laag zijn"))
        #expect(text.reason.contains("eerder tot blokkeren dan tot in beweging komen"))
        #expect(text.reason.contains("geloof in eigen kunnen 1"))
        #expect(text.suggestion.contains("geloof in eigen kunnen"))
    }
}

/// The account manager's side: a vacancy is a record of its own, and one the client is on the way into is a placement.
@Suite struct VacancyRuleTests {
    @Test func aVacancyTheClientAppliedTo_isAPlacement_withoutCoachingASignal() throws {
        var scenario = Scenario()
        scenario.assess(.selfRegulation, 2)
        let added = scenario.factory.make(
            .vacancyAdded(Vacancy(employer: "Logistiek BV", title: "order picker", contact: "P. de Vries")),
            client: scenario.client, by: scenario.am)
        scenario.changes.append(added)
        #expect(scenario.fired(.placementWithoutCoaching).isEmpty, "a proposed vacancy is no placement yet")
        scenario.changes.append(scenario.factory.make(
            .vacancyUpdated(Vacancy(employer: "Logistiek BV", title: "order picker", status: .applied, contact: "P. de Vries"),
                            supersedes: [added.id]),
            client: scenario.client, entity: added.entityId, by: scenario.am))
        let signal = try #require(scenario.fired(.placementWithoutCoaching).first)
        #expect(signal.vacancies == [added.entityId] && signal.key == "placementWithoutCoaching:\(added.entityId)")
        #expect(signal.reason.hasPrefix("The client is on the way into a job through a vacancy"))
        #expect(SignalText.describe(signal, in: .nl).reason.hasPrefix("Er loopt een sollicitatie of plaatsing op een vacature"))
        let vacancy = try #require(scenario.journey.vacancies.first)
        #expect(vacancy.status == .applied && vacancy.employer == "Logistiek BV" && vacancy.by.name == "Petra")
        scenario.start("jobCoaching", .supportive, [.selfEfficacy, .selfRegulation], by: scenario.am)
        #expect(scenario.fired(.placementWithoutCoaching).isEmpty)
    }

    @Test func concurrentVacancyUpdates_keepBothStates() throws {
        var scenario = Scenario()
        let added = scenario.factory.make(
            .vacancyAdded(Vacancy(employer: "Zorg BV", title: "host")), client: scenario.client, by: scenario.am)
        scenario.changes.append(added)
        for (status, author) in [(VacancyStatus.interview, scenario.am), (.withdrawn, scenario.cm)] {
            scenario.changes.append(scenario.factory.make(
                .vacancyUpdated(Vacancy(employer: "Zorg BV", title: "host", status: status), supersedes: [added.id]),
                client: scenario.client, entity: added.entityId, by: author))
        }
        let vacancy = try #require(scenario.journey.vacancies.first)
        #expect(vacancy.conflicted && vacancy.otherVersions.count == 1)
        #expect(Set([vacancy.status, vacancy.otherVersions[0].status]) == [.interview, .withdrawn])
    }
}

/// What the independent review found: placements are no facilitation, time goes on without writes, old scores
/// tell nothing, and the client's view is compared like with like.
@Suite struct ForceFieldReviewTests {
    @Test func aPlacement_doesNotCompleteTheCombination_norSilenceRule5() throws {
        var karin = Scenario()
        karin.assess(.selfEfficacy, 1)
        karin.assess(.context, 1)
        karin.start("sanction", .corrective, [.socialPressure], by: karin.ic)
        karin.start("selfEfficacyCoaching", .supportive, [.selfEfficacy])
        karin.start("vacancyMatch", .facilitating, [.context], behaviour: .employerConnection, by: karin.am)
        let signal = try #require(karin.fired(.correctiveWithoutSupport).first)
        #expect(signal.missing == [.facilitationOnContextOrBarriers], "a vacancy eases nothing")
        #expect(karin.journey.forceField.active.first { $0.kind == "sanction" }?.effect == .paralyses)
        #expect(karin.fired(.onlyWantingWhileAbleLow).count == 1, "the only support still works on wanting alone")
    }

    @Test func timeGoesOn_withoutWrites_whenTheJourneyIsReadLater() throws {
        var scenario = Scenario()
        let referral = scenario.refer(to: .accountManager)
        let written = scenario.changes.last!.hlc.wallMillis
        #expect(scenario.fired(.referralOpen).isEmpty)
        scenario.readAt = written + 20 * 86_400_000
        let signal = try #require(scenario.fired(.referralOpen).first)
        #expect(signal.key == "referralOpen:\(referral)" && signal.openDays == 20)
        #expect(scenario.journey.forceField.asOf == CalendarTime.iso8601(millis: written + 20 * 86_400_000))
        scenario.readAt = written - 86_400_000
        #expect(scenario.fired(.referralOpen).isEmpty, "an earlier reading day does not move the clock back")
    }

    @Test func oldScores_makeThePressureEffectUnclear_asRule4Says() throws {
        var scenario = Scenario()
        scenario.assess(.selfEfficacy, 4)
        scenario.assess(.context, 4)
        scenario.start("sanction", .corrective, [.socialPressure], by: scenario.ic)
        #expect(scenario.journey.forceField.active.first?.effect == .stimulates)
        scenario.readAt = scenario.factory.wallMillis + 200 * 86_400_000
        #expect(scenario.journey.forceField.active.first?.effect == .unclear)
        #expect(scenario.fired(.correctiveWithoutRecentAssessment).count == 1)
    }

    @Test func theClientsView_isComparedLikeWithLike() throws {
        var scenario = Scenario()
        scenario.assess(.selfEfficacy, 1, for: .jobSearch)
        scenario.assess(.selfEfficacy, 4, for: .compliance)
        scenario.clientSays(.selfEfficacy, 4, about: .compliance)
        #expect(scenario.fired(.clientViewDiffers).isEmpty, "about compliance they agree")
        scenario.clientSays(.selfEfficacy, 4, about: .jobSearch)
        let signal = try #require(scenario.fired(.clientViewDiffers).first)
        #expect(signal.clientView?.professionalScore == 1)
        let row = try #require(scenario.journey.determinants.first { $0.determinant == .selfEfficacy })
        #expect(row.client.map(\.behaviour) == [.jobSearch, .compliance] && row.clientDiffers)
    }

    @Test func aPlacement_doesNotSilenceRule3_andOldScoresLeaveRule1ToRule4() throws {
        var pressure = Scenario()
        pressure.start("sanctionAnnouncement", .corrective, [.socialPressure], by: pressure.ic)
        pressure.start("agreementReminder", .normative, [.socialPressure], by: pressure.cm)
        pressure.start("vacancyMatch", .facilitating, [.context], by: pressure.am)
        #expect(pressure.fired(.pressureFromSeveralDisciplines).count == 1, "a vacancy supports nobody under pressure")

        var old = ForceFieldRulesTests().jaap()
        #expect(try #require(old.fired(.correctiveWithoutSupport).first).severity == .high)
        old.readAt = old.factory.wallMillis + 200 * 86_400_000
        #expect(old.fired(.correctiveWithoutSupport).isEmpty, "scores of months ago say nothing about now")
        #expect(old.fired(.correctiveWithoutRecentAssessment).count == 1)
    }

    @Test func days_areCalendarDays_soASignalDoesNotMoveWithinADay() throws {
        var scenario = Scenario()
        scenario.factory = ChangeFactory(wallMillis: 1_764_400_000_000 + 20 * 3_600_000, step: 3_600_000)  // 20:00 UTC
        scenario.changes = [scenario.factory.register(client: scenario.client, name: "Jaap", team: Identifier.make(wallMillis: 2))]
        let made = scenario.factory.wallMillis
        scenario.refer(to: .accountManager)
        let day = CalendarTime.startOfDay(millis: made)
        scenario.readAt = day + 14 * 86_400_000  // the start of the 14th day after: 13 days and 4 hours later
        #expect(scenario.fired(.referralOpen).first?.openDays == 14)
        scenario.readAt = day + 13 * 86_400_000
        #expect(scenario.fired(.referralOpen).isEmpty)
    }
}
