import ArgumentParser
import Casework
import Replica

struct AssessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Record an assessment of a determinant (offline); prints the assessment id.",
        discussion: "Scores run from 1 (least favourable) to 5 (most favourable for the behaviour); "
            + "for practicalBarriers 5 means no barriers. Use 'unknown' when you cannot tell yet. "
            + "With --source client you write down the client's own view, in their words: the journey shows it "
            + "beside the professionals' assessments, and a large difference is a signal to discuss.")

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The client: a name, part of one, or an id.") var client: String
    @Option(help: "The determinant.") var determinant: Determinant
    @Option(help: "1–5 or unknown.") var score: AssessmentScore
    @Option(help: "The core behaviour the assessment is about.") var behaviour: CoreBehaviour?
    @Option(help: "Why this score, in one line (at most 200 characters).") var explanation: String?
    @Option(help: "professional (your own assessment, the default) or client (the client's own view).")
    var source: AssessmentSource = .professional

    func run() async throws {
        let replica = try options.open()
        let clientId = try await lookUpClient(client, in: replica)
        let assessment = Assessment(determinant: determinant, score: score, behaviour: behaviour, explanation: explanation)
        switch source {
        case .professional: print(try await replica.recordAssessment(clientId: clientId, assessment))
        case .client: print(try await replica.recordClientView(clientId: clientId, assessment))
        }
    }
}

/// Whose view an assessment is.
enum AssessmentSource: String, CaseIterable, ExpressibleByArgument {
    case professional, client
}

struct VacancyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacancy",
        abstract: "Vacancies the client is mediated to (bemiddeling naar een vacature): the employer's side.",
        discussion: "A vacancy the client applied to, is interviewed for or got counts as a placement in the "
            + "force field: without coaching or aftercare while self-efficacy or self-regulation is low, it is a signal.",
        subcommands: [Add.self, Update.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a vacancy for the client; prints its id.")
        @OptionGroup var options: ReplicaOptions
        @Option(help: "The client: a name, part of one, or an id.") var client: String
        @Option(help: "The employer, in one line.") var employer: String
        @Option(help: "The job, in one line.") var title: String
        @Option(help: "proposed (default), applied, interview, hired, rejected or withdrawn.") var status: VacancyStatus = .proposed
        @Option(help: "The employer's contact for this vacancy, in one line.") var contact: String?

        func run() async throws {
            let replica = try options.open()
            print(try await replica.addVacancy(
                clientId: try await lookUpClient(client, in: replica),
                Vacancy(employer: employer, title: title, status: status, contact: contact)))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Update a vacancy (only what you give changes), e.g. --status applied; prints the change id.")
        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The vacancy's id.") var vacancyId: String
        @Option(help: "proposed, applied, interview, hired, rejected or withdrawn.") var status: VacancyStatus?
        @Option(help: "New employer.") var employer: String?
        @Option(help: "New job title.") var title: String?
        @Option(help: "New contact (\"\" clears it).") var contact: String?

        func run() async throws {
            let (status, employer, title, contact) = (status, employer, title, contact)
            print(try await options.open().updateVacancy(vacancyId: vacancyId) { vacancy in
                if let status { vacancy.status = status }
                if let employer { vacancy.employer = employer }
                if let title { vacancy.title = title }
                if let contact { vacancy.contact = contact.isEmpty ? nil : contact }
            })
        }
    }
}

struct ReferralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral",
        abstract: "Hand-overs between disciplines (verwijzingen): refer a client, accept or decline a referral.",
        discussion: "A referral goes to another discipline than your own; only that discipline answers it. "
            + "Every discipline's journey shows it with who referred and who answered.",
        subcommands: [Add.self, Accept.self, Decline.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refer a client to another discipline; prints the referral's id.")
        @OptionGroup var options: ReplicaOptions
        @Option(help: "The client: a name, part of one, or an id.") var client: String
        @Option(help: "The discipline: clientManager, incomeConsultant or accountManager.") var to: Discipline
        @Option(help: "Why, in one line (at most 200 characters).") var reason: String

        func run() async throws {
            let replica = try options.open()
            print(try await replica.addReferral(
                clientId: try await lookUpClient(client, in: replica), Referral(to: to, reason: reason)))
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept a referral to your discipline; prints the change id.")
        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The referral's id.") var referralId: String
        @Option(help: "A note on the answer, in one line.") var reason: String?

        func run() async throws {
            print(try await options.open().answerReferral(
                referralId: referralId, ReferralAnswer(status: .accepted, reason: reason)))
        }
    }

    struct Decline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decline a referral to your discipline; prints the change id.")
        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The referral's id.") var referralId: String
        @Option(help: "Why, in one line (required).") var reason: String

        func run() async throws {
            print(try await options.open().answerReferral(
                referralId: referralId, ReferralAnswer(status: .declined, reason: reason)))
        }
    }
}
