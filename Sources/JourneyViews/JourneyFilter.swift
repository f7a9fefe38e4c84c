public import Casework
public import Foundation

/// Narrows a journey to what a professional wants to see: disciplines, a core behaviour, a determinant and
/// a period. It narrows everything that is someone's entry: the timeline, the notes, the assessments in the
/// matrix, the interventions, the sub-goals and the agreements. The force field and its signals stay whole:
/// they are about the combination of every discipline's work, which a filtered view would misstate.
public struct JourneyFilter: Hashable, Sendable {
    /// Only entries written by these disciplines (empty: all, including the administrator's).
    public var disciplines: Set<Discipline>
    /// Only entries about this core behaviour.
    public var behaviour: CoreBehaviour?
    /// Only entries about this determinant (note determinants, the assessed determinant, targets).
    public var determinant: Determinant?
    /// Only entries on or after this date.
    public var from: CalendarDate?
    /// Only entries on or before this date.
    public var to: CalendarDate?
    /// The time zone in which an entry's date is read, as the views show it (the laptop's own).
    public var timeZone: TimeZone

    /// Creates a filter; the default lets everything through.
    public init(disciplines: Set<Discipline> = [], behaviour: CoreBehaviour? = nil, determinant: Determinant? = nil,
                from: CalendarDate? = nil, to: CalendarDate? = nil, timeZone: TimeZone = .current) {
        self.disciplines = disciplines
        self.behaviour = behaviour
        self.determinant = determinant
        self.from = from
        self.to = to
        self.timeZone = timeZone
    }

    /// Whether the filter lets everything through.
    public var isEmpty: Bool { self == JourneyFilter(timeZone: timeZone) }

    /// Whether a timeline entry passes.
    public func admits(_ entry: TimelineEntry) -> Bool {
        if !disciplines.isEmpty {
            guard let discipline = entry.by.discipline, disciplines.contains(discipline) else { return false }
        }
        if let behaviour, entry.behaviour != behaviour { return false }
        if let determinant {
            let about = (entry.determinants ?? []) + (entry.targets ?? []) + (entry.determinant.map { [$0] } ?? [])
            guard about.contains(determinant) else { return false }
        }
        return inPeriod(entry.at)
    }
}

extension JourneyFilter {
    /// The entry's day as this laptop's clock showed it.
    func day(_ iso: String) -> String {
        CalendarTime.millis(fromISO8601: iso).map(timeZone.day(millis:)) ?? String(iso.prefix(10))
    }

    /// Whether something written at `iso` lies in the period.
    func inPeriod(_ iso: String) -> Bool {
        guard from != nil || to != nil else { return true }
        let day = day(iso)
        return (from.map { day >= $0.text } ?? true) && (to.map { day <= $0.text } ?? true)
    }

    func admitsDiscipline(_ discipline: Discipline?) -> Bool {
        disciplines.isEmpty || discipline.map(disciplines.contains) == true
    }

    func admitsBehaviour(_ entryBehaviour: CoreBehaviour?) -> Bool {
        behaviour == nil || entryBehaviour == behaviour
    }

    func admitsDeterminants(_ about: [Determinant]) -> Bool {
        determinant.map(about.contains) ?? true
    }

    /// A note, by its author, its current revision's behaviour and determinants, and when that was written.
    public func admits(_ note: NoteView) -> Bool {
        admitsDiscipline(note.by.discipline) && admitsBehaviour(note.current.behaviour)
            && admitsDeterminants(note.current.determinants) && inPeriod(note.current.at)
    }

    /// An intervention, by its discipline, behaviour and targets; in the period when it ran during it
    /// (started before its end, and not ended before its start).
    public func admits(_ intervention: InterventionView) -> Bool {
        guard admitsDiscipline(intervention.discipline), admitsBehaviour(intervention.behaviour),
            admitsDeterminants(intervention.targets)
        else { return false }
        if let to, day(intervention.startedAt) > to.text { return false }
        if let from, intervention.status == .ended, day(intervention.updatedAt) < from.text { return false }
        return true
    }
}

extension ClientJourney {
    /// The journey narrowed by `filter` (see ``JourneyFilter``): the force field stays whole.
    public func filtered(by filter: JourneyFilter) -> ClientJourney {
        guard !filter.isEmpty else { return self }
        var journey = self
        journey.timeline = timeline.filter(filter.admits)
        journey.notes = notes.filter(filter.admits)
        journey.interventions = interventions.filter(filter.admits)
        journey.determinants = determinants.compactMap { row in
            guard filter.admitsDeterminants([row.determinant]) else { return nil }
            var row = row
            row.assessments = row.assessments.filter {
                filter.admitsDiscipline($0.discipline) && filter.admitsBehaviour($0.behaviour) && filter.inPeriod($0.at)
            }
            // A disagreement is between the disciplines shown; with some left out it is not this view's to say.
            if row.assessments.count != self.determinants.first(where: { $0.determinant == row.determinant })?.assessments.count {
                row.disagreement = false
                row.clientDiffers = false
            }
            // The client's own view is nobody's discipline: it stays beside whichever disciplines are shown.
            let views = row.client.filter { filter.admitsBehaviour($0.behaviour) && filter.inPeriod($0.at) }
            if views.count != row.client.count {
                row.client = views
                row.clientDiffers = false
            }
            return row
        }
        journey.plan.subGoals = plan.subGoals.filter { goal in
            let owner: Discipline? = if case .discipline(let discipline) = goal.owner { discipline } else { nil }
            return (owner.map(filter.admitsDiscipline) ?? filter.admitsDiscipline(goal.by.discipline))
                && filter.admitsBehaviour(goal.behaviour) && filter.admitsDeterminants(goal.targets)
        }
        journey.vacancies = vacancies.filter { vacancy in
            filter.admitsDiscipline(vacancy.by.discipline) && filter.admitsBehaviour(.employerConnection)
                && filter.determinant == nil
        }
        journey.referrals = referrals.filter { referral in
            (filter.admitsDiscipline(referral.to) || filter.admitsDiscipline(referral.from))
                && filter.admitsBehaviour(nil) && filter.determinant == nil
        }
        journey.plan.agreements = plan.agreements.filter { agreement in
            let responsible = Discipline(rawValue: agreement.responsible)
            return (filter.disciplines.isEmpty || responsible.map(filter.disciplines.contains) == true
                || filter.admitsDiscipline(agreement.by.discipline))
                && filter.admitsBehaviour(agreement.behaviour) && filter.determinant == nil
        }
        return journey
    }
}
