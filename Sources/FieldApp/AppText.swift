import Casework
import JourneyViews
import SyncProtocol

/// The words of the app in Dutch (the default) and English, by key, for the templates (`{{t.key}}`).
///
/// Labels of the domain (disciplines, determinants, behaviours, valences) come from `Casework`'s
/// `label(in:)`; this table holds the app's own words.
struct AppText: Sendable {
    let language: Language
    let words: [String: String]

    init(_ language: Language) {
        self.language = language
        words = Self.table.mapValues { language == .nl ? $0.nl : $0.en }
    }

    subscript(_ key: String) -> String {
        words[key] ?? key
    }

    /// `1 pagina`, `3 pagina's`: a number with the word in singular or plural.
    func count(_ number: Int, _ singular: String, _ plural: String) -> String {
        "\(number) \(self[number == 1 ? singular : plural])"
    }

    /// An error of the replica or the server, in the professional's language, by its code; a code without
    /// words of its own gets a general sentence with the code.
    func describe(_ code: ErrorCode) -> String {
        if let known = Self.errors[code.rawValue] { return language == .nl ? known.nl : known.en }
        return language == .nl ? "Dat lukte niet (\(code))." : "That did not work (\(code))."
    }

    /// What was written, for the list of refused writes.
    func writeKind(_ entityType: String) -> String {
        ViewText(language).writeKind(entityType)
    }

    /// Words for error codes, by the code's wire text.
    static let errors: [String: (nl: String, en: String)] = [
        "serverUnreachable": ("De server is niet bereikbaar.", "The server cannot be reached."),
        "unavailable": ("De server is tijdelijk niet beschikbaar.", "The server is temporarily unavailable."),
        "internalError": ("De server had een storing.", "The server had a failure."),
        "rateLimited": ("De server krijgt even te veel verzoeken.", "The server is getting too many requests for now."),
        "badResponse": ("De server gaf een onverwacht antwoord.", "The server gave an unexpected answer."),
        "deviceRevoked": ("De toegang van deze laptop is ingetrokken.", "This laptop's access was revoked."),
        "wiped": ("De toegang van deze laptop is ingetrokken en de gegevens zijn gewist.", "This laptop's access was revoked and its data wiped."),
        "unauthorized": ("De server herkent deze laptop niet meer.", "The server no longer recognises this laptop."),
        "clockAhead": ("De klok van deze laptop loopt voor; de wijziging krijgt een nieuw tijdstip.", "This laptop's clock runs ahead; the write is stamped again."),
        "outOfScope": ("Deze klant hoort niet (meer) bij je caseload.", "This client is not (or no longer) in your caseload."),
        "forbidden": ("Dit mag alleen degene die het heeft vastgelegd, of een collega van diens discipline.", "Only someone else may do that (the author or the owning discipline)."),
        "notAuthor": ("Alleen degene die dit heeft vastgelegd, mag het wijzigen.", "Only the author may change this."),
        "notOwningDiscipline": ("Alleen de eigen discipline mag dit wijzigen: wie de interventie heeft ingezet, of aan wie de verwijzing is gericht.", "Only the discipline it belongs to may change this: the one that started the intervention, or the one the referral is addressed to."),
        "wrongAuthor": ("De wijziging kwam niet van de ingelogde professional.", "The write did not come from the signed-in professional."),
        "wrongDiscipline": ("De wijziging hoort niet bij jouw discipline.", "The write does not belong to your discipline."),
        "wrongDevice": ("De wijziging kwam niet van deze laptop.", "The write did not come from this laptop."),
        "invalidPayload": ("De invoer voldoet niet aan de regels.", "The input does not meet the rules."),
        "invalidChange": ("De wijziging voldoet niet aan de regels.", "The write does not meet the rules."),
        "clientErased": ("De gegevens van deze klant zijn op verzoek gewist (AVG).", "This client's data was erased on request (GDPR)."),
        "unknownClient": ("Deze klant staat niet op deze laptop.", "This client is not on this laptop."),
        "unknownEntity": ("Dit staat niet (meer) op deze laptop.", "This is not (or no longer) on this laptop."),
        "syncFailed": ("Het synchroniseren is mislukt.", "The sync failed."),
        "idReused": (
            "Deze wijziging bestond al met een andere inhoud; de server heeft deze versie niet opgenomen.",
            "This write already existed with other content; the server did not take this version."
        ),
        "entityExists": ("Dit bestond al op de server; de server heeft het niet opnieuw aangemaakt.", "This already existed on the server; it was not created again."),
        "unknownOperation": ("Deze versie van de server kent dit soort wijziging niet.", "This version of the server does not know this kind of write."),
        "unknownRevision": ("De versie waarop deze wijziging voortbouwt, is niet bekend bij de server.", "The version this write builds on is not known to the server."),
        "busy": ("De server is even druk; het wordt straks opnieuw geprobeerd.", "The server is busy; it is tried again shortly."),
        "cursorExpired": ("Deze laptop heeft lang niet gesynchroniseerd en haalt daarom alles opnieuw op.", "This laptop has not synced for long and fetches everything again."),
        "payloadTooLarge": ("Dit is te groot om in één keer te versturen.", "This is too large to send at once."),
        "insecureServer": ("De server is niet beveiligd (geen HTTPS); er is niets verstuurd.", "The server is not secured (no HTTPS); nothing was sent."),
        "invalidCertificate": ("Het certificaat van de server klopt niet; er is niets verstuurd.", "The server's certificate is not valid; nothing was sent."),
        "notEnrolled": ("Deze laptop is nog niet gekoppeld aan de server.", "This laptop is not enrolled yet."),
    ]

    static let table: [String: (nl: String, en: String)] = [
        "appName": ("Samenspel", "Samenspel"),
        "skip": ("Direct naar de inhoud", "Skip to content"),
        "navCaseload": ("Mijn klanten", "My caseload"),
        "navReview": ("Conflicten en geweigerde wijzigingen", "Conflicts and refusals"),
        "navSync": ("Synchronisatie", "Sync"),
        "switchLanguage": ("English", "Nederlands"),
        "switchLanguageLabel": ("Switch to English", "Schakel naar Nederlands"),
        "signedInAs": ("Ingelogd als", "Signed in as"),
        // Sync banner
        "bannerOffline": (
            "Geen verbinding met de server. Wat je schrijft is opgeslagen op deze laptop en wordt verstuurd zodra er verbinding is.",
            "No connection to the server. What you write is saved on this laptop and will be sent as soon as there is a connection."
        ),
        "bannerOnline": ("Verbonden met de server.", "Connected to the server."),
        "bannerUnknown": ("Verbinding met de server wordt gecontroleerd…", "Checking the connection to the server…"),
        "bannerFailing": (
            "De server geeft een foutmelding. Je werk blijft op deze laptop bewaard en wordt later opnieuw verstuurd.",
            "The server answered with an error. Your work stays saved on this laptop and will be sent again later."
        ),
        "bannerSyncing": ("Bezig met synchroniseren…", "Syncing…"),
        "bannerWiped": (
            "De toegang van deze laptop is door de beheerder ingetrokken en de gegevens zijn gewist. Vraag de beheerder om een nieuwe koppelcode.",
            "This laptop was revoked by the administrator and its data was wiped. Ask for a new enrollment code."
        ),
        "allSent": ("Alles is verstuurd.", "Everything has been sent."),
        "waitingToSend": ("nog niet verstuurd", "waiting to be sent"),
        "lastSync": ("Laatst gesynchroniseerd", "Last synced"),
        "never": ("nog nooit", "never"),
        "nextAttempt": ("Volgende poging", "Next attempt"),
        "colleaguesChanges": ("Wijzigingen van collega's", "Colleagues' changes"),
        "liveOn": ("komen direct binnen: de server meldt ze", "arrive at once: the server announces them"),
        "liveOff": ("komen bij de volgende synchronisatie", "arrive at the next sync"),
        // Caseload
        "caseloadTitle": ("Mijn klanten", "My caseload"),
        "searchLabel": ("Zoek een klant op naam", "Find a client by name"),
        "searchButton": ("Zoeken", "Search"),
        "clearSearch": ("Alles tonen", "Show all"),
        "client": ("Klant", "Client"),
        "team": ("Team", "Team"),
        "lastActivity": ("Laatste activiteit", "Last activity"),
        "openSignals": ("Openstaande signalen", "Open signals"),
        "unsynced": ("Nog niet verstuurd", "Not sent"),
        "noClients": (
            "Nog geen klanten op deze laptop. Synchroniseer met de server om je caseload op te halen.",
            "No clients on this laptop yet. Sync with the server to fetch your caseload."
        ),
        "noMatches": ("Geen klant gevonden met die naam.", "No client found with that name."),
        "registrationPending": ("(inschrijving nog niet ontvangen)", "(registration not yet received)"),
        "searchInFiles": ("Zoek “{query}” in notities, afspraken en plannen", "Search notes, agreements and plans for “{query}”"),
        // Search
        "navSearch": ("Zoeken", "Search"),
        "searchTitle": ("Zoeken in dossiers", "Search the files"),
        "searchWords": ("Zoek in notities, afspraken, subdoelen, interventies, verwijzingen en vacatures", "Search notes, agreements, sub-goals, interventions, referrals and vacancies"),
        "searchHelp": (
            "Alle woorden moeten voorkomen; een woord vindt ook woorden die ermee beginnen (“schuld” vindt “schuldhulpverlening”). Hoofdletters en accenten maken niet uit. Er wordt alleen gezocht in wat op deze laptop staat.",
            "Every word must occur; a word also finds words that start with it (“schuld” finds “schuldhulpverlening”). Capitals and accents do not matter. Only what is on this laptop is searched."
        ),
        "searchIn": ("Alleen in het dossier van", "Only in the file of"),
        "searchEverywhere": ("In alle dossiers zoeken", "Search all files"),
        "searchThisFile": ("Zoek in dit dossier", "Search this file"),
        "searchNothing": ("Niets gevonden.", "Nothing found."),
        "searchNoWords": ("Typ ten minste één woord om op te zoeken.", "Type at least one word to search for."),
        "searchSome": ("De nieuwste {shown} van {total} resultaten; maak de zoekvraag preciezer voor de rest.", "The newest {shown} of {total} results; make the search more precise for the rest."),
        "searchHit": ("resultaat", "result"),
        "searchHits": ("resultaten", "results"),
        "searchResults": ("Resultaten", "Results"),
        // Journey
        "journey": ("Klantreis", "Client journey"),
        "actions": ("Vastleggen", "Record"),
        "writeNote": ("Notitie schrijven", "Write a note"),
        "recordAssessment": ("Inschatting vastleggen", "Record an assessment"),
        "startIntervention": ("Interventie inzetten", "Start an intervention"),
        "addAgreement": ("Afspraak vastleggen", "Record an agreement"),
        "overarchingGoal": ("Overkoepelend doel: zo snel en duurzaam mogelijk meedoen op de arbeidsmarkt en in de maatschappij, onafhankelijk van een uitkering", "Overarching goal: taking part in the labour market and in society, as quickly and durably as possible, independent of benefits"),
        "signals": ("Signalen in het krachtenveld", "Force-field signals"),
        "noSignals": ("Geen signalen: er is geen combinatie van interventies gevonden die waarschijnlijk verlammend werkt.", "No signals: no combination of interventions found that is likely to paralyse."),
        "severityHigh": ("Hoog", "High"),
        "severityMedium": ("Gemiddeld", "Medium"),
        "trendUp": ("hoger dan bij de vorige inschatting", "up since the previous assessment"),
        "trendDown": ("lager dan bij de vorige inschatting", "down since the previous assessment"),
        "trendSame": ("gelijk aan de vorige inschatting", "same as the previous assessment"),
        "suggestion": ("Wat kan helpen", "What may help"),
        "acknowledgedBy": ("Besproken door", "Discussed by"),
        "acknowledge": ("Markeer als besproken", "Mark as discussed"),
        "ackReason": ("Toelichting (kort, zonder persoonsgegevens)", "What was discussed (short, no personal data)"),
        "forceField": ("Krachtenveld nu", "Force field now"),
        "forceFieldHelp": (
            "Groene pijlen van links versterken een determinant, rode pijlen van rechts zetten die onder druk. In het midden staat per determinant de laagste huidige score.",
            "Green arrows from the left strengthen the client, red arrows from the right put pressure on. In the middle the lowest current score."
        ),
        "forceFieldAsText": ("Krachtenveld als tekst", "Force field as text"),
        "strengthens": ("versterkt", "strengthens"),
        "pressures": ("zet onder druk", "pressures"),
        "noForces": ("geen lopende interventies", "no active interventions"),
        "determinants": ("Determinanten", "Determinants"),
        "determinant": ("Determinant", "Determinant"),
        "scale": (
            "1 = minst gunstig … 5 = meest gunstig; bij praktische belemmeringen betekent 5: geen belemmeringen.",
            "1 = least favourable … 5 = most favourable; for practical barriers 5 means: no barriers."
        ),
        "disagreement": ("Disciplines verschillen van inzicht", "Disciplines disagree"),
        "notAssessed": ("niet ingeschat", "not assessed"),
        "clientDiffers": ("de klant ziet het anders", "the client sees it differently"),
        "referrals": ("Verwijzingen", "Referrals"),
        "referralsForYou": ("Verwijzingen voor jou", "Referrals to you"),
        "otherAnswer": ("ander antwoord", "other answer"),
        "noReferrals": ("Geen verwijzingen.", "No referrals."),
        "vacancies": ("Vacatures", "Vacancies"),
        "noVacancies": ("Geen vacatures vastgelegd.", "No vacancies recorded."),
        "addGoal": ("Subdoel toevoegen", "Add a sub-goal"),
        "activate": ("Inzetten", "Start"),
        "editContact": ("Contactgegevens wijzigen", "Change contact details"),
        "contactHelp": ("Laat een veld leeg om het te wissen. Alleen wat je wijzigt, wordt vastgelegd.", "Leave a field empty to clear it. Only what you change is recorded."),
        "addReferral": ("Verwijzen", "Refer"),
        "addVacancy": ("Vacature vastleggen", "Record a vacancy"),
        "goalTitle": ("Wat moet er bereikt worden? (één regel)", "What is to be reached? (one line)"),
        "goalTargets": ("Determinanten waaraan het werkt", "Determinants it works on"),
        "goalOwner": ("Van wie is het subdoel?", "Whose sub-goal is it?"),
        "goalOwnerHelp": ("Kies ‘de klant’ voor een doel dat de klant zelf heeft gesteld.", "Choose ‘the client’ for a goal the client set themselves."),
        "referTo": ("Naar welke discipline verwijs je?", "Which discipline do you refer to?"),
        "referralReason": ("Waarom", "Why"),
        "referralReasonHelp": ("Eén regel, zonder meer persoonsgegevens dan nodig.", "One line, with no more personal data than needed."),
        "referralAnswerReason": ("Toelichting (bij afwijzen verplicht)", "Note (required to decline)"),
        "acceptReferral": ("Aannemen", "Accept"),
        "declineReferral": ("Afwijzen", "Decline"),
        "employer": ("Werkgever", "Employer"),
        "jobTitle": ("Functie", "Job"),
        "vacancyContact": ("Contactpersoon bij de werkgever", "Contact at the employer"),
        "assessmentSource": ("Wiens inschatting is dit?", "Whose assessment is this?"),
        "assessmentSourceHelp": ("Leg ook vast hoe de klant het zelf ziet: een groot verschil is iets om te bespreken.", "Also record how the client sees it: a large difference is something to talk about."),
        "sourceProfessional": ("Mijn inschatting", "My assessment"),
        "sourceClient": ("De eigen inschatting van de klant", "The client's own view"),
        "plan": ("Plan van aanpak", "Plan"),
        "subGoals": ("Subdoelen", "Sub-goals"),
        "agreements": ("Afspraken met de klant", "Agreements with the client"),
        "noAgreements": ("Nog geen afspraken.", "No agreements yet."),
        "noSubGoals": ("Nog geen subdoelen.", "No sub-goals yet."),
        "due": ("uiterlijk", "due"),
        "setStatus": ("Status wijzigen", "Change status"),
        "interventions": ("Interventies", "Interventions"),
        "noInterventions": ("Nog geen interventies.", "No interventions yet."),
        "end": ("Beëindigen", "End"),
        "since": ("sinds", "since"),
        "edit": ("Bewerken", "Edit"),
        "otherVersion": ("Andere versie", "Other version"),
        "conflict": ("Conflict", "Conflict"),
        "conflictNote": (
            "Deze notitie is op twee plaatsen tegelijk bewerkt. Beide versies zijn bewaard.",
            "This note was edited in two places at once. Both versions are kept."
        ),
        "timeline": ("Tijdlijn", "Timeline"),
        "of": ("van", "of"),
        "showOlder": ("Eerdere items tonen", "Show earlier items"),
        "filterLabel": ("Toon", "Show"),
        "allDisciplines": ("Alle disciplines", "All disciplines"),
        "filteredNote": (
            "Gefilterd: het krachtenveld en de signalen tonen nog steeds alle disciplines.",
            "Filtered: the force field and the signals stay for every discipline."
        ),
        "openAgreements": ("Openstaande afspraken", "Open agreements"),
        "closedAgreements": ("Afgesloten afspraken", "Closed agreements"),
        "other": ("Beheer", "Administration"),
        "nothingYet": ("Nog niets vastgelegd.", "Nothing recorded yet."),
        "pending": ("Nog niet verstuurd", "Not yet sent"),
        "pendingHelp": ("opgeslagen op deze laptop, wordt verstuurd zodra er verbinding is", "saved on this laptop, sent as soon as there is a connection"),
        "onlyDiscipline": ("Alleen voor eigen discipline", "Own discipline only"),
        // Forms
        "save": ("Opslaan", "Save"),
        "cancel": ("Annuleren", "Cancel"),
        "optional": ("(optioneel)", "(optional)"),
        "required": ("(verplicht)", "(required)"),
        "noneChosen": ("— geen —", "— none —"),
        "errorSummary": ("Controleer het formulier", "Please check the form"),
        "noteText": ("Tekst van de notitie", "Text of the note"),
        "noteTextHelp": (
            "Schrijf feitelijk en respectvol; de klant kan deze notitie opvragen.",
            "Write factually and respectfully; the client may request this note."
        ),
        "behaviour": ("Kerngedrag", "Core behaviour"),
        "aboutDeterminants": ("Over welke determinanten", "About which determinants"),
        "visibility": ("Wie mag dit lezen", "Who may read this"),
        "visibilityTeam": ("Iedereen in het team van de klant", "Everyone in the client's team"),
        "visibilityDiscipline": (
            "Alleen mijn discipline (bijvoorbeeld inkomensgegevens)", "Only my discipline (for example income details)"
        ),
        "editNote": ("Notitie bewerken", "Edit note"),
        "editNoteHelp": (
            "De vorige tekst blijft bewaard. Bij een conflict vervangt deze versie beide versies.",
            "The earlier text is kept. In a conflict this version replaces both versions."
        ),
        "score": ("Score", "Score"),
        "scoreUnknown": ("Onbekend", "Unknown"),
        "kind": ("Soort interventie", "Kind of intervention"),
        "valence": ("Werking", "Valence"),
        "valenceDefault": ("— standaard voor deze soort interventie —", "— default for this kind —"),
        "targets": ("Gericht op determinanten", "Aimed at determinants"),
        "targetsHelp": ("Laat je dit leeg, dan gelden de determinanten die standaard bij deze soort interventie horen.", "Leave empty: the default for this kind of intervention."),
        "behaviourDefault": ("— standaard voor deze soort interventie —", "— default for this kind —"),
        "status": ("Status", "Status"),
        "agreementText": ("Wat is afgesproken", "What was agreed"),
        "explanation": ("Toelichting", "Explanation"),
        "explanationHelp": (
            "Waarom deze score, in één zin; je collega's zien het bij de inschatting.",
            "Why this score, in one sentence; your colleagues see it with the assessment."
        ),
        "responsible": ("Wie is verantwoordelijk", "Who is responsible"),
        "responsibleClient": ("De klant", "The client"),
        "dueDate": ("Uiterlijk op", "Due on"),
        "dueDateHelp": ("Als dag-maand-jaar, bijvoorbeeld 31-12-2026.", "As day-month-year, for example 31-12-2026."),
        // Flash messages
        "savedOffline": (
            "Opgeslagen op deze laptop. Het wordt verstuurd zodra er verbinding is.",
            "Saved on this laptop. It will be sent as soon as there is a connection."
        ),
        "savedOnline": ("Opgeslagen op deze laptop. Het wordt nu verstuurd.", "Saved on this laptop and being sent now."),
        // Review
        "reviewTitle": ("Conflicten en geweigerde wijzigingen", "Conflicts and refusals"),
        "conflicts": ("Conflicten", "Conflicts"),
        "noConflicts": ("Geen open conflicten.", "No open conflicts."),
        "conflictHelpNote": (
            "Twee versies van dezelfde notitie. Open de notitie en sla één tekst op die beide versies vervangt.",
            "Two versions of the same note. Open the note and save one text that replaces both versions."
        ),
        "conflictHelpOthersNote": (
            "Twee versies van een notitie van een collega. Alleen degene die haar heeft geschreven, kan ze samenvoegen; beide blijven zichtbaar.",
            "Two versions of a colleague's note. Only its author can merge them; both stay visible."
        ),
        "conflictHelpIntervention": (
            "De status van deze interventie is op twee plaatsen tegelijk gewijzigd. Leg de juiste status opnieuw vast in de klantreis: zet de interventie in of beëindig haar.",
            "The status of this intervention was changed in two places at once. Record the right status again in the journey: start or end the intervention."
        ),
        "conflictHelpGoal": (
            "Dit subdoel is op twee plaatsen tegelijk gewijzigd; beide versies blijven bewaard. Leg de juiste status opnieuw vast in het plan van aanpak: die vervangt beide.",
            "This sub-goal was changed in two places at once; both versions are kept. Record the right status again in the plan: it replaces both."
        ),
        "conflictHelpReferral": (
            "Op deze verwijzing is op twee plaatsen tegelijk geantwoord; beide antwoorden blijven zichtbaar. Neem haar opnieuw aan of wijs haar af in de klantreis: dat antwoord vervangt beide.",
            "This referral was answered in two places at once; both answers stay visible. Accept or decline it again in the journey: that answer replaces both."
        ),
        "conflictHelpVacancy": (
            "Deze vacature is op twee plaatsen tegelijk gewijzigd. Leg de juiste status opnieuw vast in de klantreis: die vervangt beide.",
            "This vacancy was changed in two places at once. Record the right status again in the journey: it replaces both."
        ),
        "conflictHelpAgreement": (
            "Deze afspraak is op twee plaatsen tegelijk gewijzigd. Leg de juiste status opnieuw vast in het plan van aanpak.",
            "This agreement was changed in two places at once. Record the right status again in the plan."
        ),
        "conflictHelpContact": (
            "Dit contactgegeven is op twee plaatsen tegelijk gewijzigd. Leg het juiste gegeven opnieuw vast via ‘Contactgegevens wijzigen’ in de klantreis.",
            "This contact detail was changed in two places at once. Record the right value again with ‘Change contact details’ in the journey."
        ),
        "resolve": ("Oplossen", "Resolve"),
        "openJourney": ("Open de klantreis", "Open the journey"),
        "refused": ("Geweigerd door de server", "Refused by the server"),
        "noRefused": ("Geen geweigerde wijzigingen.", "No refused writes."),
        "refusedHelp": (
            "De server heeft deze wijzigingen niet verwerkt. Ze zijn niet verloren: lees de reden, leg ze zo nodig opnieuw vast en markeer ze daarna als gezien.",
            "The server did not take these writes. They are not lost: read the reason, record again where needed, then mark them as seen."
        ),
        "reason": ("Reden", "Reason"),
        "yourText": ("Jouw tekst", "Your text"),
        "markSeen": ("Markeer als gezien", "Mark as seen"),
        "refusedAt": ("Geweigerd op", "Refused on"),
        // Sync page
        "syncTitle": ("Synchronisatie", "Sync"),
        "connection": ("Verbinding", "Connection"),
        "connectionOnline": ("verbonden", "connected"),
        "connectionOffline": ("offline", "offline"),
        "connectionFailing": ("de server geeft een foutmelding", "server answers with an error"),
        "connectionUnknown": ("nog niet bekend", "not known yet"),
        "server": ("Server", "Server"),
        "pendingChanges": ("Nog niet verstuurd", "Waiting to be sent"),
        "refusedCount": ("Geweigerd", "Refused"),
        "clientsHere": ("Klanten op deze laptop", "Clients on this laptop"),
        "lastError": ("Laatste fout", "Last error"),
        "syncNow": ("Nu synchroniseren", "Sync now"),
        "progress": ("Voortgang", "Progress"),
        "phasePushing": ("versturen", "sending"),
        "phasePulling": ("ophalen", "fetching"),
        "phaseVerifying": ("controleren", "verifying"),
        "sentCount": ("verstuurd", "sent"),
        "receivedCount": ("ontvangen", "received"),
        "pages": ("pagina's", "pages"),
        "page": ("pagina", "page"),
        "lastReport": ("Resultaat van de laatste synchronisatie", "Result of the last sync"),
        "syncRequested": ("Synchronisatie gestart.", "Sync started."),
        // Errors
        "notFound": ("Niet gevonden", "Not found"),
        "notFoundText": (
            "Deze pagina of klant is niet op deze laptop (niet in je caseload, of nog niet gesynchroniseerd).",
            "This page or client is not on this laptop (not in your caseload, or not synced yet)."
        ),
        "forbidden": ("Geen toegang", "No access"),
        "forbiddenText": (
            "Open Samenspel via de link die het programma (samenspel app) in de terminal liet zien.",
            "Open Samenspel through the link that the program (samenspel app) showed in the terminal."
        ),
        "lockedTitle": ("Samenspel is vergrendeld", "Samenspel is locked"),
        "lockedText": (
            "Je hebt een nieuwe link nodig om in deze browser verder te werken. Die staat in het terminalvenster waarin Samenspel draait (samenspel app).",
            "Nobody can go on in this browser without a new link. It is in the terminal window where Samenspel runs (samenspel app)."
        ),
        "lockNow": ("Nu vergrendelen", "Lock now"),
        "unlockTitle": ("Samenspel is op slot", "Samenspel is locked"),
        "unlockText": (
            "De gegevens op deze laptop zijn nu alleen met je wachtwoordzin te lezen (Samenspel gaat op slot na een tijd zonder gebruik, of met Nu vergrendelen). Vul hem in om verder te gaan.",
            "The data on this laptop can now only be read with your passphrase (Samenspel locks after a while without use, or with Lock now). Enter it to go on."
        ),
        "passphrase": ("Wachtwoordzin", "Passphrase"),
        "unlock": ("Ontgrendelen", "Unlock"),
        "wrongPassphrase": ("Deze wachtwoordzin klopt niet.", "That passphrase is not right."),
        "notSavedLocked": (
            "Samenspel ging op slot voordat dit werd verstuurd, dus het is niet opgeslagen. Ontgrendel en schrijf het opnieuw.",
            "Samenspel locked itself before this was sent, so it was not saved. Unlock and write it again."
        ),
        "wrongPassphraseWait": (
            "Te vaak een verkeerde wachtwoordzin. Probeer het over %d seconden opnieuw.",
            "Too many wrong passphrases. Try again in %d seconds."
        ),
        "linkUsedText": (
            "Deze link is al gebruikt en werkt maar één keer. Ga naar het venster waarin Samenspel al openstaat, of stop het programma (Ctrl+C) en start het opnieuw voor een nieuwe link. Een browser die Samenspel al open had, houdt een werkdag lang toegang, ook als je hem sluit.",
            "This link has been used and does not work again. Go to the window where Samenspel is open, or stop the program (Ctrl+C) and start it again for a new link. A browser that had Samenspel open keeps access for a working day, also after closing."
        ),
        "internalText": (
            "Dit lukte niet door een fout in Samenspel. Wat al was opgeslagen, blijft bewaard. Probeer het nog eens.",
            "This failed because of an error in Samenspel. What was saved stays saved. Please try again."
        ),
        "csrfText": (
            "Dit formulier is verlopen of kwam niet van Samenspel, dus er is niets opgeslagen. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
            "This form has expired or did not come from Samenspel, so nothing was saved. Go back, reload the page and try again."
        ),
        "backToCaseload": ("Terug naar mijn klanten", "Back to my caseload"),
        "errorTitle": ("Er ging iets mis", "Something went wrong"),
    ]
}
