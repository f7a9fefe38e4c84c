/// The Mustache templates of the app, compiled into the binary: nothing is read from disk or the network.
///
/// `{{x}}` escapes HTML; `{{{x}}}` is used only for HTML the app rendered itself (the page body inside the
/// layout, the force-field picture). Every page has one `h1`, landmarks, a skip link and labelled fields.
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "banner": banner, "caseload": caseload, "journey": journey, "noteForm": noteForm,
        "assessmentForm": assessmentForm, "interventionForm": interventionForm, "agreementForm": agreementForm,
        "review": review, "sync": sync, "error": error, "errorSummary": errorSummary, "agreementItem": agreementItem,
        "behaviourField": behaviourField, "formButtons": formButtons, "goalForm": goalForm, "referralForm": referralForm,
        "vacancyForm": vacancyForm, "dueField": dueField, "statusField": statusField, "contactForm": contactForm,
        "search": search, "unlock": unlock,
    ]

    static let layout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Samenspel</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/assets/app.css">
        <script src="/assets/app.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">{{t.skip}}</a>
        <header class="top">
        <div class="brand"><img src="/assets/icon.svg" alt="" width="28" height="28"> <span>Samenspel</span></div>
        {{#showNav}}
        <nav aria-label="{{t.appName}}">
        <ul id="nav-links" data-live>
        {{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}{{#count}} <span class="count">{{count}}</span>{{/count}}</a></li>
        {{/nav}}</ul>
        </nav>
        <div class="who">
        <span>{{t.signedInAs}} <strong>{{user}}</strong></span>
        <form method="post" action="/language" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="back" value="{{here}}">
        <input type="hidden" name="to" value="{{otherLanguage}}">
        <button type="submit" class="link" lang="{{otherLanguage}}" aria-label="{{t.switchLanguageLabel}}">{{t.switchLanguage}}</button>
        </form>
        <form method="post" action="/lock" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" class="link" id="lock">{{t.lockNow}}</button>
        </form>
        </div>
        {{/showNav}}
        </header>
        {{{bannerHTML}}}
        <main id="main" tabindex="-1">
        {{#flash}}<p class="flash" role="status">{{flash}}</p>{{/flash}}
        {{{body}}}
        </main>
        </body>
        </html>

        """

    static let banner = """
        <div class="banner {{state}}" id="sync-banner" data-live>
        <p id="sync-status" role="status"><strong>{{headline}}</strong>{{#detail}} {{detail}}{{/detail}}</p>
        <p class="small">{{#pending}}<span class="pill pending-pill">{{pending}} {{t.waitingToSend}}</span> {{/pending}}{{^pending}}{{t.allSent}} {{/pending}}{{t.lastSync}}: {{lastSync}}. <a href="/sync">{{t.navSync}}</a></p>
        </div>

        """

    static let caseload = """
        <h1>{{t.caseloadTitle}}</h1>
        <form method="get" action="/" class="search" role="search">
        <label for="q">{{t.searchLabel}}</label>
        <input id="q" name="q" type="search" value="{{query}}" autocomplete="off">
        <button type="submit">{{t.searchButton}}</button>
        {{#query}}<a href="/">{{t.clearSearch}}</a>{{/query}}
        </form>
        <div id="caseload" data-live>
        {{#hasClients}}
        <table class="caseload">
        <caption class="visually-hidden">{{t.caseloadTitle}}</caption>
        <thead><tr><th scope="col">{{t.client}}</th><th scope="col">{{t.lastActivity}}</th><th scope="col">{{t.openSignals}}</th><th scope="col">{{t.referralsForYou}}</th><th scope="col">{{t.unsynced}}</th></tr></thead>
        <tbody>
        {{#clients}}
        <tr>
        <th scope="row"><a href="/clients/{{id}}">{{name}}</a></th>
                <td>{{lastActivity}}</td>
        <td>{{#signals}}<span class="pill {{severity}}">{{signals}} · {{severityLabel}}</span>{{/signals}}{{^signals}}<span class="muted">0</span>{{/signals}}</td>
        <td>{{#referrals}}<a class="pill referral-pill" href="/clients/{{id}}#referrals">{{referrals}}</a>{{/referrals}}{{^referrals}}<span class="muted">0</span>{{/referrals}}</td>
        <td>{{#pending}}<span class="pill pending-pill">{{pending}}</span>{{/pending}}{{^pending}}<span class="muted">0</span>{{/pending}}</td>
        </tr>
        {{/clients}}
        </tbody>
        </table>
        {{/hasClients}}
        {{^hasClients}}<p class="empty">{{empty}}</p>{{/hasClients}}
        {{#searchInFilesHref}}<p><a href="{{searchInFilesHref}}" id="search-in-files">{{searchInFiles}}</a></p>{{/searchInFilesHref}}
        </div>

        """

    static let search = """
        <h1>{{t.searchTitle}}</h1>
        <form method="get" action="/search" class="search" role="search">
        <label for="search-q">{{t.searchWords}}</label>
        <input id="search-q" name="q" type="search" value="{{query}}" autocomplete="off" aria-describedby="search-help">
        {{#clientId}}<input type="hidden" name="client" value="{{clientId}}">{{/clientId}}
        <button type="submit">{{t.searchButton}}</button>
        </form>
        <p class="small" id="search-help">{{t.searchHelp}}</p>
        {{#clientId}}<p>{{t.searchIn}} <a href="/clients/{{clientId}}">{{clientName}}</a> · <a href="{{everywhereHref}}">{{t.searchEverywhere}}</a></p>{{/clientId}}
        {{#summary}}<p id="search-summary" role="status">{{summary}}</p>{{/summary}}
        {{#hasHits}}<ol class="results" id="search-results" aria-label="{{t.searchResults}}">{{/hasHits}}
        {{#hits}}
        <li><p class="small">{{at}} · <a href="/clients/{{clientId}}">{{clientName}}</a> · {{kind}} · {{by}}</p>
        <p><a href="{{href}}">{{#snippet}}{{#matched}}<mark>{{text}}</mark>{{/matched}}{{^matched}}{{text}}{{/matched}}{{/snippet}}</a></p></li>
        {{/hits}}
        {{#hasHits}}</ol>{{/hasHits}}

        """

    static let journey = """
        <div class="client-head" id="client-head">
        <div class="client-title">
        <h1>{{name}}</h1>
        <nav class="actions" aria-label="{{t.actions}}">
        <a class="button" href="/clients/{{id}}/notes/new">{{t.writeNote}}</a>
        <a class="button" href="/clients/{{id}}/assessments/new">{{t.recordAssessment}}</a>
        <a class="button" href="/clients/{{id}}/interventions/new">{{t.startIntervention}}</a>
        <a class="button" href="/clients/{{id}}/agreements/new">{{t.addAgreement}}</a>
        <a class="button" href="/clients/{{id}}/goals/new">{{t.addGoal}}</a>
        <a class="button" href="/clients/{{id}}/referrals/new">{{t.addReferral}}</a>
        <a class="button" href="/clients/{{id}}/vacancies/new">{{t.addVacancy}}</a>
        </nav>
        </div>
        <div class="filter-row">
        <nav class="filter" aria-label="{{t.filterLabel}}"><span class="small">{{t.filterLabel}}:</span>
        {{#filters}}<a href="{{href}}"{{#current}} aria-current="true"{{/current}}>{{label}}</a>{{/filters}}
        {{#filtered}}<span class="small">{{t.filteredNote}}</span>{{/filtered}}
        </nav>
        <form method="get" action="/search" class="search inline" role="search">
        <input type="hidden" name="client" value="{{id}}">
        <label for="file-q" class="visually-hidden">{{t.searchThisFile}}</label>
        <input id="file-q" name="q" type="search" placeholder="{{t.searchThisFile}}" autocomplete="off">
        <button type="submit">{{t.searchButton}}</button>
        </form>
        </div>
        </div>
        <p class="goal">{{t.overarchingGoal}}</p>
        {{#hasContact}}<dl class="contact">{{#contact}}<div><dt>{{label}}</dt><dd>{{value}}{{#conflicted}} <span class="badge conflict">{{t.conflict}}</span>{{/conflicted}}</dd></div>{{/contact}}</dl>{{/hasContact}}
        <p class="small"><a href="/clients/{{id}}/contact/edit">{{t.editContact}}</a></p>

        <section id="signals" data-live aria-labelledby="signals-h">
        <h2 id="signals-h">{{t.signals}} ({{signalCount}})</h2>
        {{^signals}}<p class="calm">{{t.noSignals}}</p>{{/signals}}
        {{#signals}}
        <article class="signal {{severity}}">
        <p class="severity">{{severityLabel}}</p>
        <p>{{reason}}</p>
        <p><strong>{{t.suggestion}}:</strong> {{suggestion}}</p>
        {{#acknowledgements}}<p class="ack">{{t.acknowledgedBy}} {{by}}, {{at}}: {{reason}}</p>{{/acknowledgements}}
        <form method="post" action="/clients/{{clientId}}/signals" class="ack-form" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="key" value="{{key}}">
        <label for="ack-{{index}}">{{t.ackReason}}</label>
        <input id="ack-{{index}}" name="reason" type="text" maxlength="200" autocomplete="off">
        <button type="submit">{{t.acknowledge}}</button>
        </form>
        </article>
        {{/signals}}
        </section>

        <section id="force-field" data-live aria-labelledby="ff-h">
        <h2 id="ff-h">{{t.forceField}}</h2>
        <p class="small">{{t.forceFieldHelp}}</p>
        <figure aria-hidden="true">{{{forceFieldSVG}}}</figure>
        <details><summary>{{t.forceFieldAsText}}</summary>
        <ul>{{#forceRows}}<li><strong>{{determinant}}</strong> ({{score}}): {{#forces}}{{.}}; {{/forces}}{{^forces}}{{t.noForces}}{{/forces}}</li>{{/forceRows}}</ul>
        </details>
        </section>

        <section id="plan" data-live aria-labelledby="plan-h">
        <h2 id="plan-h">{{t.plan}}</h2>
        <div class="columns">
        <div>
        <h3>{{t.openAgreements}} ({{openAgreementCount}})</h3>
        {{^openAgreements}}<p class="muted">{{t.noAgreements}}</p>{{/openAgreements}}
        {{#hasOpenAgreements}}<ul class="agreements">{{#openAgreements}}{{> agreementItem}}{{/openAgreements}}</ul>{{/hasOpenAgreements}}
        {{#hasClosedAgreements}}<details{{#closedOpen}} open{{/closedOpen}}><summary>{{t.closedAgreements}} ({{closedAgreementCount}})</summary><ul class="agreements">{{#closedAgreements}}{{> agreementItem}}{{/closedAgreements}}</ul></details>{{/hasClosedAgreements}}
        </div>
        <div>
        <h3>{{t.subGoals}}</h3>
        {{^goals}}<p class="muted">{{t.noSubGoals}}</p>{{/goals}}
        {{#hasGoals}}<ul class="agreements">{{#goals}}<li id="item-{{id}}"><p>{{title}}</p><p class="small">{{owner}}{{#due}} · {{t.due}} {{due}}{{/due}} · <strong>{{status}}</strong>{{#conflicted}} <span class="badge conflict">{{t.conflict}}</span>{{/conflicted}}</p>{{#others}}<p class="small">{{.}}</p>{{/others}}
        <form method="post" action="/clients/{{clientId}}/goals/{{id}}/status" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="goal-{{id}}">{{t.setStatus}}</label>
        <select id="goal-{{id}}" name="status">{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select>
        <button type="submit">{{t.save}}</button>
        </form></li>{{/goals}}</ul>{{/hasGoals}}
        </div>
        <div>
        <h3 id="referrals">{{t.referrals}}</h3>
        {{^hasReferrals}}<p class="muted">{{t.noReferrals}}</p>{{/hasReferrals}}
        {{#hasReferrals}}<ul class="agreements">{{#referrals}}<li id="item-{{id}}"><p>{{line}}</p><p class="small">{{by}}, {{at}}{{#answer}} · {{answer}}{{/answer}}{{#conflicted}} <span class="badge conflict">{{t.conflict}}</span>{{/conflicted}}</p>{{#others}}<p class="small">{{.}}</p>{{/others}}
        {{#canAnswer}}<form method="post" action="/clients/{{clientId}}/referrals/{{id}}/answer" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="ref-{{id}}">{{t.referralAnswerReason}}</label>
        <input id="ref-{{id}}" name="reason" type="text" maxlength="200" autocomplete="off">
        <button type="submit" name="status" value="accepted">{{t.acceptReferral}}</button>
        <button type="submit" name="status" value="declined">{{t.declineReferral}}</button>
        </form>{{/canAnswer}}</li>{{/referrals}}</ul>{{/hasReferrals}}
        </div>
        <div id="vacancies">
        <h3>{{t.vacancies}}</h3>
        {{^hasVacancies}}<p class="muted">{{t.noVacancies}}</p>{{/hasVacancies}}
        {{#hasVacancies}}<ul class="agreements">{{#vacancies}}<li id="item-{{id}}"><p>{{title}} · {{employer}}</p><p class="small">{{#contact}}{{contact}} · {{/contact}}<strong>{{status}}</strong>{{#conflicted}} <span class="badge conflict">{{t.conflict}}</span>{{/conflicted}}</p>{{#others}}<p class="small">{{.}}</p>{{/others}}
        <form method="post" action="/clients/{{clientId}}/vacancies/{{id}}/status" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="vac-{{id}}">{{t.setStatus}}</label>
        <select id="vac-{{id}}" name="status">{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select>
        <button type="submit">{{t.save}}</button>
        </form></li>{{/vacancies}}</ul>{{/hasVacancies}}
        </div>
        </div>
        </section>

        <section id="interventions" data-live aria-labelledby="int-h">
        <h2 id="int-h">{{t.interventions}}</h2>
        {{^interventions}}<p class="muted">{{t.noInterventions}}</p>{{/interventions}}
        {{#hasInterventions}}<ul class="interventions">
        {{#interventions}}
        <li class="{{valence}}" id="item-{{id}}">
        <strong>{{label}}</strong> · {{valenceLabel}} · {{discipline}} · {{status}}{{#conflicted}} <span class="badge conflict">{{t.conflict}}</span>{{/conflicted}}{{#pending}} <span class="badge pending" title="{{t.pendingHelp}}">{{t.pending}}</span>{{/pending}}
        <br><span class="small">{{targets}} · {{t.since}} {{since}}</span>{{#others}}<br><span class="small">{{.}}</span>{{/others}}
        {{#canActivate}}
        <form method="post" action="/clients/{{clientId}}/interventions/{{id}}/activate" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" aria-label="{{t.activate}}: {{label}}">{{t.activate}}</button>
        </form>
        {{/canActivate}}
        {{#canEnd}}
        <form method="post" action="/clients/{{clientId}}/interventions/{{id}}/end" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" aria-label="{{t.end}}: {{label}}">{{t.end}}</button>
        </form>
        {{/canEnd}}
        </li>
        {{/interventions}}
        </ul>{{/hasInterventions}}
        </section>

        <section id="timeline" data-live aria-labelledby="tl-h">
        <h2 id="tl-h">{{t.timeline}} <span class="small">({{shownCount}} {{t.of}} {{itemCount}})</span></h2>
        {{^items}}<p class="muted">{{t.nothingYet}}</p>{{/items}}
        {{#hasItems}}
        <ol class="timeline">
        {{#items}}
        <li class="item lane-{{lane}}" data-change="{{changeId}}"{{#domId}} id="{{domId}}"{{/domId}}>{{#anchor}}<span id="{{anchor}}"></span>{{/anchor}}
        {{#note}}<article class="note" id="note-{{id}}" data-change="{{changeId}}">{{/note}}
        <p class="meta"><span class="lane-mark">{{laneLabel}}</span> <strong>{{by}}</strong> · {{at}}{{#pending}} <span class="badge pending" title="{{t.pendingHelp}}">{{t.pending}}</span>{{/pending}}</p>
        {{^note}}<p class="headline">{{headline}}</p>{{#body}}<div class="text">{{body}}</div>{{/body}}{{/note}}
        {{#note}}
        <p class="headline">{{headline}}{{#private}} <span class="badge">{{t.onlyDiscipline}}</span>{{/private}}{{#conflicted}} <span class="badge conflict">{{t.conflict}}</span>{{/conflicted}}</p>
        <div class="text">{{text}}</div>
        {{#conflicted}}<p class="small">{{t.conflictNote}}</p>{{/conflicted}}
        {{#others}}<details><summary>{{t.otherVersion}} · {{at}}</summary><div class="text">{{text}}</div></details>{{/others}}
        {{#mine}}<p><a href="/clients/{{clientId}}/notes/{{id}}/edit">{{t.edit}}<span class="visually-hidden"> ({{at}})</span></a></p>{{/mine}}
        </article>
        {{/note}}
        </li>
        {{/items}}
        </ol>
        {{/hasItems}}
        {{#olderHref}}<p><a class="button" id="older" href="{{olderHref}}">{{t.showOlder}} ({{olderCount}})</a></p>{{/olderHref}}
        </section>

        <section id="matrix" data-live aria-labelledby="matrix-h">
        <h2 id="matrix-h">{{t.determinants}}</h2>
        <p class="small">{{t.scale}}</p>
        <table class="matrix">
        <thead><tr><th scope="col">{{t.determinant}}</th>{{#disciplines}}<th scope="col">{{.}}</th>{{/disciplines}}<th scope="col" class="client">{{clientColumn}}</th></tr></thead>
        {{#groups}}
        <tbody>
        <tr class="group"><th colspan="5" scope="rowgroup">{{label}}</th></tr>
        {{#rows}}
        <tr{{#disagreement}} class="disagree"{{/disagreement}}>
        <th scope="row">{{label}}{{#disagreement}} <span class="badge warn">{{t.disagreement}}</span>{{/disagreement}}{{#clientDiffers}} <span class="badge warn">{{t.clientDiffers}}</span>{{/clientDiffers}}</th>
        {{#cells}}<td{{#client}} class="client"{{/client}}>{{#entries}}<div><strong class="score s{{score}}">{{score}}</strong>{{#trend}} <span aria-hidden="true">{{trend}}</span><span class="visually-hidden">{{trendLabel}}</span>{{/trend}}{{#behaviour}} <span class="small">({{behaviour}})</span>{{/behaviour}}<br><span class="small">{{at}}</span>{{#explanation}}<br><span class="explanation">{{explanation}}</span>{{/explanation}}</div>{{/entries}}{{^entries}}<span class="muted" aria-hidden="true">–</span><span class="visually-hidden">{{t.notAssessed}}</span>{{/entries}}</td>{{/cells}}
        </tr>
        {{/rows}}
        </tbody>
        {{/groups}}
        </table>
        </section>

        """

    static let agreementItem = """
        <li id="item-{{id}}">
        <p>{{text}}</p>
        <p class="small">{{responsible}}{{#due}} · {{t.due}} {{due}}{{/due}} · <strong>{{status}}</strong>{{#conflicted}} <span class="badge conflict">{{t.conflict}}</span>{{/conflicted}}{{#pending}} <span class="badge pending" title="{{t.pendingHelp}}">{{t.pending}}</span>{{/pending}}</p>
        {{#others}}<p class="small">{{.}}</p>{{/others}}
        <form method="post" action="/clients/{{clientId}}/agreements/{{id}}/status" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="agr-{{id}}">{{t.setStatus}}</label>
        <select id="agr-{{id}}" name="status">{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select>
        <button type="submit">{{t.save}}</button>
        </form>
        </li>

        """

    static let review = """
        <h1>{{t.reviewTitle}}</h1>
        <section id="conflicts" data-live aria-labelledby="conflicts-h">
        <h2 id="conflicts-h">{{t.conflicts}} ({{conflictCount}})</h2>
        {{^conflicts}}<p class="calm">{{t.noConflicts}}</p>{{/conflicts}}
        {{#conflicts}}
        <article class="card">
        <h3><a href="/clients/{{clientId}}">{{clientName}}</a> · {{kind}}</h3>
        <p>{{help}}</p>
        <ul>{{#versions}}<li><span class="small">{{by}} · {{at}}</span><div class="text">{{summary}}</div></li>{{/versions}}</ul>
        {{#resolveHref}}<p><a class="button" href="{{resolveHref}}">{{t.resolve}}</a></p>{{/resolveHref}}
        {{^resolveHref}}<p><a href="/clients/{{clientId}}">{{t.openJourney}}</a></p>{{/resolveHref}}
        </article>
        {{/conflicts}}
        </section>
        <section id="refused" data-live aria-labelledby="refused-h">
        <h2 id="refused-h">{{t.refused}} ({{refusedCount}})</h2>
        {{^refused}}<p class="calm">{{t.noRefused}}</p>{{/refused}}
        {{#hasRefused}}<p>{{t.refusedHelp}}</p>{{/hasRefused}}
        {{#refused}}
        <article class="card">
        <h3>{{what}}{{#clientName}} · {{clientName}}{{/clientName}}</h3>
        <p><strong>{{t.reason}}:</strong> {{message}} <span class="small">({{code}})</span></p>
        <p class="small">{{advice}}</p>
        {{#text}}<details><summary>{{t.yourText}}</summary><div class="text">{{text}}</div></details>{{/text}}
        <p class="small">{{t.refusedAt}} {{at}}</p>
        <form method="post" action="/review/refused/{{id}}/seen" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">{{t.markSeen}}</button>
        </form>
        </article>
        {{/refused}}
        </section>

        """

    static let sync = """
        <h1>{{t.syncTitle}}</h1>
        <div id="sync-details" data-live>
        <dl class="facts">
        <div><dt>{{t.connection}}</dt><dd><span class="pill {{state}}">{{connection}}</span></dd></div>
        <div><dt>{{t.server}}</dt><dd>{{server}}</dd></div>
        <div><dt>{{t.lastSync}}</dt><dd>{{lastSync}}</dd></div>
        <div><dt>{{t.colleaguesChanges}}</dt><dd id="live">{{live}}</dd></div>
        {{#nextAttempt}}<div><dt>{{t.nextAttempt}}</dt><dd>{{nextAttempt}}</dd></div>{{/nextAttempt}}
        <div><dt>{{t.pendingChanges}}</dt><dd>{{pending}}</dd></div>
        <div><dt>{{t.refusedCount}}</dt><dd>{{#refused}}<a href="/review">{{refused}}</a>{{/refused}}{{^refused}}0{{/refused}}</dd></div>
        <div><dt>{{t.clientsHere}}</dt><dd>{{clients}}</dd></div>
        {{#lastError}}<div><dt>{{t.lastError}}</dt><dd>{{lastError}}</dd></div>{{/lastError}}
        {{#lastReport}}<div><dt>{{t.lastReport}}</dt><dd>{{lastReport}}</dd></div>{{/lastReport}}
        </dl>
        {{#progress}}
        <div class="progress" role="status">
        <p><strong>{{t.progress}}:</strong> {{phase}} · {{pushed}} {{t.sentCount}} · {{pulled}} {{t.receivedCount}} · {{pages}}</p>
        <progress aria-label="{{t.progress}}"></progress>
        </div>
        {{/progress}}
        </div>
        <form method="post" action="/sync">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" class="primary">{{t.syncNow}}</button>
        </form>

        """

    static let unlock = """
        <h1>{{t.unlockTitle}}</h1>
        <p>{{t.unlockText}}</p>
        <form method="post" action="/unlock">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="back" value="{{back}}">
        <div class="field{{#error}} invalid{{/error}}">
        <label for="passphrase">{{t.passphrase}}</label>
        {{#error}}<p class="error" id="passphrase-error" role="alert">{{error}}</p>{{/error}}
        <input type="password" id="passphrase" name="passphrase" autocomplete="current-password" required autofocus{{#error}} aria-invalid="true" aria-describedby="passphrase-error"{{/error}}>
        </div>
        <button type="submit" class="primary">{{t.unlock}}</button>
        </form>

        """

    static let error = """
        <h1>{{heading}}</h1>
        <p>{{message}}</p>
        {{#showHome}}<p><a href="/">{{t.backToCaseload}}</a></p>{{/showHome}}

        """
}
