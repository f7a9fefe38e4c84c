public import Casework
public import Foundation

/// Narrows the timeline of a journey to what a professional wants to see: disciplines, a core behaviour,
/// a determinant and a period. The other parts of the journey (matrix, force field, plan) stay whole.
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
        guard from != nil || to != nil else { return true }
        // The entry's day as this laptop's clock showed it.
        let day = CalendarTime.millis(fromISO8601: entry.at).map(timeZone.day(millis:)) ?? String(entry.at.prefix(10))
        if let from, day < from.text { return false }
        if let to, day > to.text { return false }
        return true
    }
}

extension ClientJourney {
    /// The journey with its timeline narrowed by `filter`.
    public func filtered(by filter: JourneyFilter) -> ClientJourney {
        guard !filter.isEmpty else { return self }
        var journey = self
        journey.timeline = timeline.filter(filter.admits)
        return journey
    }
}
