extension Templates {
    /// The summary of what is wrong with a submitted form, each entry linking to its field.
    static let errorSummary = """
        {{#hasErrors}}
        <div class="error-summary" role="alert" tabindex="-1" id="error-summary">
        <h2>{{t.errorSummary}}</h2>
        <ul>{{#errors}}<li>{{#field}}<a href="#{{field}}">{{message}}</a>{{/field}}{{^field}}{{message}}{{/field}}</li>{{/errors}}</ul>
        </div>
        {{/hasErrors}}

        """

    static let noteForm = """
        <h1>{{heading}}</h1>
        <p class="form-client">{{clientName}}</p>
        {{> errorSummary}}
        <form method="post" action="{{action}}" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#hasVersions}}<div class="versions"><p>{{t.conflictNote}}</p>{{#versions}}<details open><summary>{{at}}</summary><div class="text">{{text}}</div></details>{{/versions}}</div>{{/hasVersions}}
        <div class="field{{#textError}} invalid{{/textError}}">
        <label for="text">{{t.noteText}} {{t.required}}</label>
        <p class="hint" id="text-hint">{{hint}}</p>
        {{#textError}}<p class="error" id="text-error">{{textError}}</p>{{/textError}}
        <textarea id="text" name="text" rows="6" aria-describedby="text-hint{{#textError}} text-error{{/textError}}"{{#textError}} aria-invalid="true"{{/textError}}>{{text}}</textarea>
        </div>
        {{> behaviourField}}
        <fieldset class="field" id="determinant" tabindex="-1">
        <legend>{{t.aboutDeterminants}} {{t.optional}}</legend>
        <div class="checks">{{#determinantOptions}}<div class="check"><input type="checkbox" id="det-{{value}}" name="determinant" value="{{value}}"{{#selected}} checked{{/selected}}><label for="det-{{value}}">{{label}}</label></div>{{/determinantOptions}}</div>
        </fieldset>
        {{#showVisibility}}
        <fieldset class="field" id="visibility" tabindex="-1">
        <legend>{{t.visibility}}</legend>
        <div class="checks">{{#visibilities}}<div class="check"><input type="radio" id="vis-{{value}}" name="visibility" value="{{value}}"{{#selected}} checked{{/selected}}><label for="vis-{{value}}">{{label}}</label></div>{{/visibilities}}</div>
        </fieldset>
        {{/showVisibility}}
        {{> formButtons}}
        </form>

        """

    static let assessmentForm = """
        <h1>{{t.recordAssessment}}</h1>
        <p class="form-client">{{clientName}}</p>
        {{> errorSummary}}
        <form method="post" action="/clients/{{clientId}}/assessments" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="field{{#determinantError}} invalid{{/determinantError}}">
        <label for="determinant">{{t.determinant}} {{t.required}}</label>
        {{#determinantError}}<p class="error" id="determinant-error">{{determinantError}}</p>{{/determinantError}}
        <select id="determinant" name="determinant" required{{#determinantError}} aria-invalid="true" aria-describedby="determinant-error"{{/determinantError}}><option value="">{{t.noneChosen}}</option>{{#determinantOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/determinantOptions}}</select>
        </div>
        <fieldset class="field{{#scoreError}} invalid{{/scoreError}}" id="score" tabindex="-1"{{#scoreError}} aria-describedby="score-error"{{/scoreError}}>
        <legend>{{t.score}} {{t.required}}</legend>
        <p class="hint">{{t.scale}}</p>
        {{#scoreError}}<p class="error" id="score-error">{{scoreError}}</p>{{/scoreError}}
        <div class="scores">{{#scores}}<div class="check"><input type="radio" id="score-{{value}}" name="score" value="{{value}}"{{#selected}} checked{{/selected}}><label for="score-{{value}}">{{label}}</label></div>{{/scores}}</div>
        </fieldset>
        <div class="field{{#explanationError}} invalid{{/explanationError}}">
        <label for="explanation">{{t.explanation}} {{t.optional}}</label>
        <p class="hint" id="explanation-hint">{{t.explanationHelp}}</p>
        {{#explanationError}}<p class="error" id="explanation-error">{{explanationError}}</p>{{/explanationError}}
        <input id="explanation" name="explanation" type="text" maxlength="200" autocomplete="off" value="{{explanation}}" aria-describedby="explanation-hint{{#explanationError}} explanation-error{{/explanationError}}"{{#explanationError}} aria-invalid="true"{{/explanationError}}>
        </div>
        <fieldset class="field" id="source" tabindex="-1">
        <legend>{{t.assessmentSource}}</legend>
        <p class="hint">{{t.assessmentSourceHelp}}</p>
        {{#sources}}<div class="check"><input type="radio" id="source-{{value}}" name="source" value="{{value}}"{{#selected}} checked{{/selected}}><label for="source-{{value}}">{{label}}</label></div>{{/sources}}
        </fieldset>
        {{> behaviourField}}
        {{> formButtons}}
        </form>

        """

    static let interventionForm = """
        <h1>{{t.startIntervention}}</h1>
        <p class="form-client">{{clientName}}</p>
        {{> errorSummary}}
        <form method="post" action="/clients/{{clientId}}/interventions" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="field{{#kindError}} invalid{{/kindError}}">
        <label for="kind">{{t.kind}} {{t.required}}</label>
        {{#kindError}}<p class="error" id="kind-error">{{kindError}}</p>{{/kindError}}
        <select id="kind" name="kind" required{{#kindError}} aria-invalid="true" aria-describedby="kind-error"{{/kindError}}><option value="">{{t.noneChosen}}</option>{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select>
        </div>
        <div class="field">
        <label for="valence">{{t.valence}}</label>
        <select id="valence" name="valence"><option value="">{{t.valenceDefault}}</option>{{#valences}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/valences}}</select>
        </div>
        <fieldset class="field" id="target" tabindex="-1">
        <legend>{{t.targets}}</legend>
        <p class="hint">{{t.targetsHelp}}</p>
        <div class="checks">{{#determinantOptions}}<div class="check"><input type="checkbox" id="det-{{value}}" name="target" value="{{value}}"{{#selected}} checked{{/selected}}><label for="det-{{value}}">{{label}}</label></div>{{/determinantOptions}}</div>
        </fieldset>
        <div class="field">
        <label for="behaviour">{{t.behaviour}}</label>
        <select id="behaviour" name="behaviour"><option value="">{{t.behaviourDefault}}</option>{{#behaviours}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/behaviours}}</select>
        </div>
        {{> statusField}}
        {{> formButtons}}
        </form>

        """

    static let agreementForm = """
        <h1>{{t.addAgreement}}</h1>
        <p class="form-client">{{clientName}}</p>
        {{> errorSummary}}
        <form method="post" action="/clients/{{clientId}}/agreements" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="field{{#textError}} invalid{{/textError}}">
        <label for="text">{{t.agreementText}} {{t.required}}</label>
        {{#textError}}<p class="error" id="text-error">{{textError}}</p>{{/textError}}
        <textarea id="text" name="text" rows="3" maxlength="500"{{#textError}} aria-invalid="true" aria-describedby="text-error"{{/textError}}>{{text}}</textarea>
        </div>
        <div class="field{{#responsibleError}} invalid{{/responsibleError}}">
        <label for="responsible">{{t.responsible}} {{t.required}}</label>
        {{#responsibleError}}<p class="error" id="responsible-error">{{responsibleError}}</p>{{/responsibleError}}
        <select id="responsible" name="responsible">{{#responsibles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/responsibles}}</select>
        </div>
        {{> dueField}}
        {{> behaviourField}}
        {{> formButtons}}
        </form>

        """

    /// The status radio buttons shared by the intervention and vacancy forms.
    static let statusField = """
        <fieldset class="field" id="status" tabindex="-1">
        <legend>{{t.status}}</legend>
        {{#statuses}}<div class="check"><input type="radio" id="status-{{value}}" name="status" value="{{value}}"{{#selected}} checked{{/selected}}><label for="status-{{value}}">{{label}}</label></div>{{/statuses}}
        </fieldset>

        """

    /// The optional due date shared by the agreement and sub-goal forms.
    static let dueField = """
        <div class="field{{#dueError}} invalid{{/dueError}}">
        <label for="due">{{t.dueDate}} {{t.optional}}</label>
        <p class="hint" id="due-hint">{{t.dueDateHelp}}</p>
        {{#dueError}}<p class="error" id="due-error">{{dueError}}</p>{{/dueError}}
        <input id="due" name="due" type="text" inputmode="numeric" autocomplete="off" value="{{due}}" aria-describedby="due-hint{{#dueError}} due-error{{/dueError}}"{{#dueError}} aria-invalid="true"{{/dueError}}>
        </div>

        """

    static let goalForm = """
        <h1>{{t.addGoal}}</h1>
        <p class="form-client">{{clientName}}</p>
        {{> errorSummary}}
        <form method="post" action="/clients/{{clientId}}/goals" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="field{{#titleError}} invalid{{/titleError}}">
        <label for="title">{{t.goalTitle}} {{t.required}}</label>
        {{#titleError}}<p class="error" id="title-error">{{titleError}}</p>{{/titleError}}
        <input id="title" name="title" type="text" maxlength="200" autocomplete="off" value="{{title}}"{{#titleError}} aria-invalid="true" aria-describedby="title-error"{{/titleError}}>
        </div>
        <div class="field{{#behaviourError}} invalid{{/behaviourError}}">
        <label for="behaviour">{{t.behaviour}} {{t.required}}</label>
        {{#behaviourError}}<p class="error" id="behaviour-error">{{behaviourError}}</p>{{/behaviourError}}
        <select id="behaviour" name="behaviour"{{#behaviourError}} aria-invalid="true" aria-describedby="behaviour-error"{{/behaviourError}}><option value="">{{t.noneChosen}}</option>{{#behaviours}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/behaviours}}</select>
        </div>
        <fieldset class="field{{#targetError}} invalid{{/targetError}}" id="target" tabindex="-1">
        <legend>{{t.goalTargets}} {{t.required}}</legend>
        {{#targetError}}<p class="error" id="target-error">{{targetError}}</p>{{/targetError}}
        <div class="checks">{{#determinantOptions}}<div class="check"><input type="checkbox" id="det-{{value}}" name="target" value="{{value}}"{{#selected}} checked{{/selected}}><label for="det-{{value}}">{{label}}</label></div>{{/determinantOptions}}</div>
        </fieldset>
        <div class="field{{#ownerError}} invalid{{/ownerError}}">
        <label for="owner">{{t.goalOwner}} {{t.required}}</label>
        <p class="hint">{{t.goalOwnerHelp}}</p>
        {{#ownerError}}<p class="error" id="owner-error">{{ownerError}}</p>{{/ownerError}}
        <select id="owner" name="owner">{{#owners}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/owners}}</select>
        </div>
        {{> dueField}}
        {{> formButtons}}
        </form>

        """

    static let contactForm = """
        <h1>{{t.editContact}}</h1>
        <p class="form-client">{{clientName}}</p>
        {{> errorSummary}}
        <form method="post" action="/clients/{{clientId}}/contact" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p class="hint">{{t.contactHelp}}</p>
        {{#fields}}
        <div class="field{{#error}} invalid{{/error}}">
        <label for="{{name}}">{{label}} {{t.optional}}</label>
        {{#error}}<p class="error" id="{{name}}-error">{{error}}</p>{{/error}}
        <input id="{{name}}" name="{{name}}" type="text" maxlength="{{maxLength}}" autocomplete="off" value="{{value}}"{{#error}} aria-invalid="true" aria-describedby="{{name}}-error"{{/error}}>
        </div>
        {{/fields}}
        {{> formButtons}}
        </form>

        """

    static let referralForm = """
        <h1>{{t.addReferral}}</h1>
        <p class="form-client">{{clientName}}</p>
        {{> errorSummary}}
        <form method="post" action="/clients/{{clientId}}/referrals" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <fieldset class="field{{#toError}} invalid{{/toError}}" id="to" tabindex="-1">
        <legend>{{t.referTo}} {{t.required}}</legend>
        {{#toError}}<p class="error" id="to-error">{{toError}}</p>{{/toError}}
        {{#disciplines}}<div class="check"><input type="radio" id="to-{{value}}" name="to" value="{{value}}"{{#selected}} checked{{/selected}}><label for="to-{{value}}">{{label}}</label></div>{{/disciplines}}
        </fieldset>
        <div class="field{{#reasonError}} invalid{{/reasonError}}">
        <label for="reason">{{t.referralReason}} {{t.required}}</label>
        <p class="hint" id="reason-hint">{{t.referralReasonHelp}}</p>
        {{#reasonError}}<p class="error" id="reason-error">{{reasonError}}</p>{{/reasonError}}
        <input id="reason" name="reason" type="text" maxlength="200" autocomplete="off" value="{{reason}}" aria-describedby="reason-hint{{#reasonError}} reason-error{{/reasonError}}"{{#reasonError}} aria-invalid="true"{{/reasonError}}>
        </div>
        {{> formButtons}}
        </form>

        """

    static let vacancyForm = """
        <h1>{{t.addVacancy}}</h1>
        <p class="form-client">{{clientName}}</p>
        {{> errorSummary}}
        <form method="post" action="/clients/{{clientId}}/vacancies" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="field{{#employerError}} invalid{{/employerError}}">
        <label for="employer">{{t.employer}} {{t.required}}</label>
        {{#employerError}}<p class="error" id="employer-error">{{employerError}}</p>{{/employerError}}
        <input id="employer" name="employer" type="text" maxlength="200" autocomplete="off" value="{{employer}}"{{#employerError}} aria-invalid="true" aria-describedby="employer-error"{{/employerError}}>
        </div>
        <div class="field{{#titleError}} invalid{{/titleError}}">
        <label for="title">{{t.jobTitle}} {{t.required}}</label>
        {{#titleError}}<p class="error" id="title-error">{{titleError}}</p>{{/titleError}}
        <input id="title" name="title" type="text" maxlength="200" autocomplete="off" value="{{title}}"{{#titleError}} aria-invalid="true" aria-describedby="title-error"{{/titleError}}>
        </div>
        <div class="field{{#contactError}} invalid{{/contactError}}">
        <label for="contact">{{t.vacancyContact}} {{t.optional}}</label>
        {{#contactError}}<p class="error" id="contact-error">{{contactError}}</p>{{/contactError}}
        <input id="contact" name="contact" type="text" maxlength="200" autocomplete="off" value="{{contact}}"{{#contactError}} aria-invalid="true" aria-describedby="contact-error"{{/contactError}}>
        </div>
        {{> statusField}}
        {{> formButtons}}
        </form>

        """

    /// The optional core-behaviour picker shared by the note, assessment and agreement forms.
    static let behaviourField = """
        <div class="field">
        <label for="behaviour">{{t.behaviour}} {{t.optional}}</label>
        <select id="behaviour" name="behaviour"><option value="">{{t.noneChosen}}</option>{{#behaviours}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/behaviours}}</select>
        </div>

        """

    /// Save, or go back to the client's journey.
    static let formButtons = """
        <div class="buttons"><button type="submit" class="primary">{{t.save}}</button> <a href="/clients/{{clientId}}">{{t.cancel}}</a></div>

        """
}
