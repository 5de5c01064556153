"""The UI's words in Danish (the default) and English, and the chosen language.

A small catalogue keyed by message id; templates call `t("key")`. The language is the
session's choice (set on /sprog/<lang>), else KLAGEFLOW_LANGUAGE.
"""

from __future__ import annotations

from flask import current_app, session

from .staff_texts import STAFF_TEXTS

LANGUAGES = ("da", "en")

CATALOGUE: dict[str, tuple[str, str]] = {
    # layout
    "app_name": ("Klageflow", "Klageflow"),
    "skip_to_content": ("Spring til indhold", "Skip to content"),
    "nav_cases": ("Mine sager", "My cases"),
    "nav_new_case": ("Ny klage", "New complaint"),
    "nav_tasks": ("Opgaver", "Tasks"),
    "nav_processes": ("Processer", "Processes"),
    "nav_admin": ("Administration", "Administration"),
    "nav_api": ("API", "API"),
    "login": ("Log ind", "Log in"),
    "logout": ("Log ud", "Log out"),
    "logged_in_as": ("Logget ind som", "Logged in as"),
    "language": ("Sprog", "Language"),
    "other_language": ("English", "Dansk"),
    # login
    "username": ("Brugernavn", "Username"),
    "password": ("Adgangskode", "Password"),
    "login_failed": ("Forkert brugernavn eller adgangskode.", "Wrong username or password."),
    "logged_out": ("Du er logget ud.", "You are logged out."),
    "login_locked": (
        "For mange mislykkede forsøg på at logge ind herfra. Prøv igen om {minutes} min.",
        "Too many failed attempts to log in from here. Try again in {minutes} min.",
    ),
    "login_needed": ("Log ind for at fortsætte.", "Log in to continue."),
    # errors
    "error_404_title": ("Siden findes ikke", "Page not found"),
    "error_404_text": (
        "Siden findes ikke, eller du har ikke adgang til den.",
        "The page does not exist, or you have no access to it.",
    ),
    "error_403_title": ("Ingen adgang", "No access"),
    "error_500_title": ("Der gik noget galt", "Something went wrong"),
    "error_500_text": (
        "Der opstod en fejl hos os. Handlingen blev ikke gennemført. Prøv igen senere.",
        "An error occurred on our side. Nothing was carried out. Please try again later.",
    ),
    "error_other_title": ("Det kunne ikke lade sig gøre", "That could not be done"),
    "back_to_start": ("Til forsiden", "Back to the start page"),
    # cases
    "cases_title": ("Mine sager", "My cases"),
    "drafts": ("Kladder", "Drafts"),
    "ongoing": ("Igangværende sager", "Ongoing cases"),
    "closed": ("Afsluttede sager", "Closed cases"),
    "none": ("Ingen.", "None."),
    "reference": ("Sagsnummer", "Case reference"),
    "decision": ("Afgørelse", "Decision"),
    "status": ("Status", "Status"),
    "waiting_for": ("Afventer", "Waiting for"),
    "next_deadline": ("Næste frist", "Next deadline"),
    "expected_date": ("Forventet afgørelse", "Expected decision"),
    "complaint_deadline": ("Klagefrist", "Complaint deadline"),
    "new_case_title": ("Ny klage", "New complaint"),
    "choose_decision": ("Afgørelse, du klager over", "Decision you complain about"),
    "legal_basis": ("Lovgrundlag", "Legal basis"),
    "complainant_type": ("Du klager som", "You complain as"),
    "type_private": ("Privatperson", "Private person"),
    "type_company": ("Virksomhed", "Company"),
    "type_organisation": ("Organisation eller forening", "Organisation or association"),
    "type_authority": ("Myndighed", "Public authority"),
    "complaint_text": ("Klagens indhold", "Your complaint"),
    "request_suspension": (
        "Jeg anmoder om, at klagen får opsættende virkning",
        "I ask for the complaint to have suspensive effect",
    ),
    "save_draft": ("Gem kladde", "Save draft"),
    "submit": ("Indsend klagen", "File the complaint"),
    "draft_saved": ("Kladden er gemt.", "The draft is saved."),
    "filed_receipt": (
        "Klagen er indsendt og er nu tilgængelig for myndigheden. Sagsnummer:",
        "The complaint is filed and is now available to the authority. Case reference:",
    ),
    "draft_hint": (
        "En kladde er ikke indsendt: kun du kan se den.",
        "A draft is not filed: only you can see it.",
    ),
    "timeline": ("Tidslinje", "Timeline"),
    "suspensive_effect": ("Opsættende virkning", "Suspensive effect"),
    "yes": ("Ja", "Yes"),
    "no": ("Nej", "No"),
    "by_board": ("afgjort af nævnet", "decided by the board"),
    "by_law": ("efter loven", "by law"),
    "fee": ("Gebyr", "Fee"),
    "fee_due": ("betales senest", "due by"),
    "fee_paid": ("Betalt", "Paid"),
    "fee_refunded": ("Tilbagebetalt", "Refunded"),
    "pay_fee": ("Betal gebyret", "Pay the fee"),
    "test_provider": (
        "Testbetaling: der trækkes ingen penge. Kun til afprøvning.",
        "Test payment: no money is charged. For trying the system only.",
    ),
    "paid": ("Gebyret er betalt.", "The fee is paid."),
    "test_payment_title": ("Testbetaling", "Test payment"),
    "test_payment_banner": (
        "Dette er en test, ikke en rigtig betaling.",
        "This is a test, not a real payment.",
    ),
    "test_payment_confirm": ("Gennemfør testbetalingen", "Complete the test payment"),
    "test_payment_nothing_due": ("Der er intet gebyr at betale.", "There is no fee to pay."),
    "back_to_case": ("Tilbage til sagen", "Back to the case"),
    "pay_with_provider": (
        "Gebyret betales via nævnets betalingsløsning. Sagen opdateres, når betalingen er "
        "registreret.",
        "The fee is paid through the board's payment service. The case is updated once the "
        "payment is registered.",
    ),
    "withdraw": ("Træk klagen tilbage", "Withdraw the complaint"),
    "withdraw_confirm": (
        "Klagen trækkes tilbage, og sagen afsluttes. Det kan ikke fortrydes.",
        "The complaint is withdrawn and the case closed. This cannot be undone.",
    ),
    "withdrawn": ("Klagen er trukket tilbage.", "The complaint is withdrawn."),
    "outcome": ("Nævnets afgørelse", "The board's decision"),
    "lawsuit_deadline": ("Frist for søgsmål", "Deadline for a lawsuit"),
    "diagram": ("Sagens forløb", "The case's process"),
    # tasks
    "tasks_title": ("Opgaver", "Tasks"),
    "search": ("Søg", "Search"),
    "only_mine": ("Kun mine", "Only mine"),
    "only_overdue": ("Kun overskredne", "Only overdue"),
    "filter": ("Filtrér", "Filter"),
    "task": ("Opgave", "Task"),
    "case": ("Sag", "Case"),
    "due": ("Frist", "Due"),
    "assignee": ("Tildelt", "Assigned to"),
    "overdue": ("overskredet", "overdue"),
    "claim": ("Tag opgaven", "Claim"),
    "unclaim": ("Frigiv opgaven", "Unclaim"),
    "claimed": ("Opgaven er din.", "The task is yours."),
    "unclaimed": ("Opgaven er frigivet.", "The task is released."),
    "complete": ("Udfør", "Complete"),
    "completed": ("Opgaven er udført.", "The task is completed."),
    "case_file": ("Sagens akter", "Case file"),
    "previous": ("Forrige", "Previous"),
    "next": ("Næste", "Next"),
    "page": ("Side", "Page"),
    "no_tasks": ("Ingen åbne opgaver.", "No open tasks."),
    # admin
    "admin_title": ("Administration", "Administration"),
    "access_log_title": ("Adgangslog", "Access log"),
    "access_log_intro": (
        "Hver gang en medarbejder åbner en sag via brugerfladen eller API'et, registreres "
        "hvem, hvornår, hvilken sag og hvad.",
        "Each time a member of staff opens a case through the web pages or the API, who, "
        "when, which case and what is recorded.",
    ),
    "access_log_link": ("Se adgangsloggen", "See the access log"),
    "when": ("Tidspunkt", "When"),
    "what": ("Hvad", "What"),
    "channel": ("Kanal", "Channel"),
    "channel_ui": ("Brugerflade", "Web pages"),
    "organisations": ("Myndigheder og nævn", "Authorities and boards"),
    "notification_email": ("Underretningsadresse", "Notification address"),
    "save": ("Gem", "Save"),
    "saved": ("Gemt.", "Saved."),
    "users": ("Brugere", "Users"),
    "role": ("Rolle", "Role"),
    "failed_mails": ("Fejlede e-mails", "Failed mails"),
    "incidents": ("Hændelser", "Incidents"),
    "retry": ("Prøv igen", "Retry"),
    "queued_again": ("Sat i kø igen.", "Queued again."),
    "retried": ("Trinnet er kørt igen.", "The step was run again."),
    "error": ("Fejl", "Error"),
    "element": ("Element", "Element"),
    # processes
    "processes_title": ("Processer", "Processes"),
    "process": ("Proces", "Process"),
    "version": ("Version", "Version"),
    "running": ("Kørende sager", "Running cases"),
    "deployed": ("Udrullet", "Deployed"),
    "documents": ("Dokumenter", "Documents"),
    "forms": ("Formularer", "Forms"),
    "edit_form": ("Redigér formularen", "Edit the form"),
    "form_editor_hint": (
        "Træk felter ind, og ret deres egenskaber. Udrulning laver en ny version af processen "
        "med den ændrede formular; serveren validerer indtastninger efter den.",
        "Drag fields in and change their properties. Deploying makes a new version of the "
        "process with the changed form; the server validates input against it.",
    ),
    "co_complainants_label": ("Medklagere (frivilligt)", "Co-complainants (optional)"),
    "co_complainants_hint": (
        "Brugernavne på dem, der klager sammen med dig, én pr. linje. Klagen indsendes, når "
        "alle har bekræftet den.",
        "Usernames of those who complain with you, one per line. The complaint is filed when "
        "all have confirmed it.",
    ),
    "unknown_user": ("ikke en klager i systemet", "not a complainant here"),
    "waiting_confirmation": ("Afventer bekræftelse fra", "Waiting for confirmation from"),
    "confirm": ("Bekræft klagen", "Confirm the complaint"),
    "confirmed": ("Du har bekræftet klagen.", "You have confirmed the complaint."),
    "new_user": ("Ny bruger", "New user"),
    "display_name": ("Navn", "Name"),
    "organisation": ("Myndighed/nævn (sagsbehandlere)", "Authority/board (caseworkers)"),
    "create": ("Opret", "Create"),
    "no_documents": ("Ingen dokumenter endnu.", "No documents yet."),
    "upload": ("Tilføj dokument", "Add a document"),
    "document_kind": ("Slags dokument", "Kind of document"),
    "file": ("Fil", "File"),
    "file_hint": (
        "PDF, PNG, JPEG eller tekst, højst 8 MB.",
        "PDF, PNG, JPEG or text, at most 8 MB.",
    ),
    "comment": ("Bemærkninger til myndighedens udtalelse", "Comments on the authority's statement"),
    "send_comment": ("Send bemærkninger", "Send comments"),
    "document_added": ("Dokumentet er tilføjet sagen.", "The document is added to the case."),
    "kind_comment": ("Bemærkninger", "Comments"),
    "kind_attachment": ("Bilag", "Attachment"),
    "kind_statement": ("Udtalelse", "Statement"),
    "kind_case_document": ("Sagsdokument", "Case document"),
    "kind_board_decision": ("Nævnets afgørelse", "The board's decision"),
    "edit_diagram": ("Redigér diagrammet", "Edit the diagram"),
    "based_on_version": ("med udgangspunkt i version", "based on version"),
    "waiting_hint": (
        "Tallene viser, hvor mange uafsluttede sager der venter ved hvert element.",
        "The numbers show how many unfinished cases wait at each element.",
    ),
    "editor_hint": (
        "Vælg et element for at se og ændre de egenskaber, motoren læser. Udrulning laver en "
        "ny version; igangværende sager fortsætter på deres version.",
        "Select an element to see and change the properties the engine reads. Deploying makes "
        "a new version; running cases stay on their version.",
    ),
    "properties": ("Egenskaber", "Properties"),
    "select_element": ("Vælg et element i diagrammet.", "Select an element in the diagram."),
    "validate": ("Validér", "Validate"),
    "deploy_new_version": ("Udrul som ny version", "Deploy as a new version"),
    "field_name": ("Navn", "Name"),
    "field_documentation": ("Dokumentation", "Documentation"),
    "field_form": ("Formular (formKey)", "Form (formKey)"),
    "field_group": ("Gruppe (udtryk)", "Group (expression)"),
    "field_due_in": ("Frist (ISO 8601-varighed)", "Due in (ISO 8601 duration)"),
    "field_due_expression": ("Frist (udtryk)", "Due date (expression)"),
    "field_timer": ("Timer", "Timer"),
    "field_script": ("Script", "Script"),
    "field_condition": ("Betingelse", "Condition"),
    "diagram_valid": ("Diagrammet er gyldigt.", "The diagram is valid."),
    "diagram_deployed": ("Udrullet som version", "Deployed as version"),
    "diagram_refused": ("Diagrammet blev afvist:", "The diagram was refused:"),
    "diagram_unchanged": ("Intet er ændret; ingen ny version.", "Nothing changed; no new version."),
    # layout: header, footer, alerts
    "solution_name": (
        "Klage over plan- og miljøafgørelser",
        "Complaints about planning and environment decisions",
    ),
    "menu": ("Menu", "Menu"),
    "close": ("Luk", "Close"),
    "main_menu": ("Hovedmenu", "Main menu"),
    "contact": ("Kontakt", "Contact"),
    "phone": ("Telefon", "Phone"),
    "email": ("E-mail", "E-mail"),
    "about_site": ("Om siden", "About this site"),
    "privacy_title": ("Privatlivspolitik", "Privacy policy"),
    "cookies_title": ("Cookies", "Cookies"),
    "accessibility_title": ("Tilgængelighedserklæring", "Accessibility statement"),
    "alert_info": ("Information", "Information"),
    "alert_success": ("Gennemført", "Done"),
    "alert_warning": ("Advarsel", "Warning"),
    "alert_error": ("Fejl", "Error"),
    "error_summary": ("Der er fejl i formularen", "There is a problem with the form"),
    "error_title_prefix": ("Fejl:", "Error:"),
    "error_code": ("Fejlkode", "Error code"),
    "choose": ("Vælg", "Choose"),
    "pagination": ("Sider", "Pages"),
    "actions": ("Handlinger", "Actions"),
    "role_complainant": ("klager", "complainant"),
    "role_permit_holder": ("tilladelsesindehaver", "permit holder"),
    "role_authority_caseworker": ("sagsbehandler, myndighed", "caseworker, authority"),
    "role_board_caseworker": ("sagsbehandler, nævn", "caseworker, board"),
    "role_designer": ("procesdesigner", "process designer"),
    "role_admin": ("administrator", "administrator"),
    "role_payment_provider": ("betalingsudbyder", "payment provider"),
    # login
    "login_heading": ("Log ind på Klageflow", "Log in to Klageflow"),
    "login_intro": (
        "Her kan du klage over en afgørelse efter planloven eller naturbeskyttelsesloven og "
        "følge din klagesag, til nævnet har afgjort den.",
        "Here you can complain about a decision under the Planning Act or the Nature "
        "Protection Act and follow your case until the board has decided it.",
    ),
    "login_who_heading": ("Hvem logger ind her?", "Who logs in here?"),
    "login_who_complainant": (
        "Borgere, virksomheder og foreninger, der vil klage eller følge deres klage.",
        "Citizens, companies and associations who want to complain or follow their complaint.",
    ),
    "login_who_permit_holder": (
        "Den, der har fået tilladelsen, og som vil følge en klage over den.",
        "The holder of a permit who wants to follow a complaint about it.",
    ),
    "login_who_staff": (
        "Sagsbehandlere hos kommunen og klagenævnet, procesdesignere og administratorer.",
        "Caseworkers at the municipality and the appeals board, process designers and "
        "administrators.",
    ),
    "login_help_heading": ("Brug for hjælp?", "Need help?"),
    "login_help": (
        "Har du glemt dit brugernavn eller din adgangskode, så kontakt os:",
        "If you have forgotten your username or password, contact us:",
    ),
    # the case page
    "facts": ("Oplysninger om sagen", "About the case"),
    "authority": ("Myndighed", "Authority"),
    "board": ("Klagenævn", "Appeals board"),
    "filed_at": ("Indsendt", "Filed"),
    "steps_label": ("Sagens trin", "Steps of the case"),
    "step_done": ("Gennemført", "Done"),
    "step_upcoming": ("(kommer senere)", "(later)"),
    "step_received": ("Modtaget", "Received"),
    "step_authority": ("Hos myndigheden", "With the authority"),
    "step_board": ("Hos nævnet", "With the board"),
    "step_decided": ("Afgjort", "Decided"),
    "step_note_withdrawn": ("Klagen er trukket tilbage.", "The complaint was withdrawn."),
    "step_note_closed": ("Sagen er afsluttet.", "The case is closed."),
    "step_note_fee": (
        "Nævnet venter på, at gebyret bliver betalt.",
        "The board waits for the fee.",
    ),
    "fee_heading": ("Betal klagegebyret", "Pay the complaint fee"),
    "fee_text": (
        "Nævnet behandler først klagen, når gebyret er betalt. Gebyret er",
        "The board handles the complaint only once the fee is paid. The fee is",
    ),
    "diagram_hint": (
        "Det markerede element viser, hvor sagen står i processen.",
        "The marked element shows where the case stands in the process.",
    ),
    "more_about_case": ("Mere om sagen", "More about the case"),
    "faq_next": ("Hvad sker der nu?", "What happens next?"),
    "faq_next_text": (
        "Myndigheden genvurderer sin afgørelse. Fastholder den afgørelsen, sender den klagen "
        "til nævnet med en udtalelse, som du kan komme med bemærkninger til. Nævnet beder dig "
        "derefter betale klagegebyret, visiterer klagen og træffer afgørelse. Du får besked "
        "på e-mail, hver gang sagen skifter trin.",
        "The authority reconsiders its decision. If it keeps it, it forwards the complaint to "
        "the board with a statement you can comment on. The board then asks you to pay the "
        "complaint fee, screens the complaint and decides. You get an e-mail each time the "
        "case moves on.",
    ),
    "faq_fee": ("Hvorfor skal jeg betale gebyr?", "Why do I pay a fee?"),
    "faq_fee_text": (
        "Klagenævnene opkræver et gebyr for at behandle en klage. Du får gebyret tilbage, "
        "hvis du får helt eller delvis medhold, eller hvis klagen afvises, fordi den ikke "
        "hører under nævnet.",
        "The appeals boards charge a fee to handle a complaint. You get it back if you win "
        "in full or in part, or if the complaint is rejected because the board is not "
        "competent.",
    ),
    # a new complaint
    "new_case_intro": (
        "Udfyld klagen, og indsend den. Du kan også gemme den som kladde og indsende den "
        "senere, så længe klagefristen ikke er udløbet.",
        "Fill in the complaint and file it. You can also save it as a draft and file it "
        "later, as long as the complaint deadline has not passed.",
    ),
    "choose_decision_hint": (
        "Afgørelser, der er offentliggjort, med deres klagefrist.",
        "Published decisions, with their complaint deadline.",
    ),
    "complaint_text_hint": (
        "Skriv, hvorfor du mener, afgørelsen er forkert. Mindst 10 tegn.",
        "Write why you think the decision is wrong. At least 10 characters.",
    ),
    "request_suspension_hint": (
        "Opsættende virkning betyder, at tilladelsen ikke må udnyttes, mens klagen behandles.",
        "Suspensive effect means that the permit may not be used while the complaint is handled.",
    ),
    "error_decision": (
        "Vælg den afgørelse, du klager over.",
        "Choose the decision you complain about.",
    ),
    "error_complainant_type": ("Vælg, hvem du klager som.", "Choose whom you complain as."),
    "error_text_short": (
        "Skriv klagen; den skal være på mindst 10 tegn.",
        "Write the complaint; it must be at least 10 characters.",
    ),
    # documents
    "document": ("Dokument", "Document"),
    "uploaded_by": ("Tilføjet af", "Added by"),
    "uploaded_at": ("Tilføjet", "Added"),
    "size": ("Størrelse", "Size"),
    "comment_hint": (
        "Skriv dine bemærkninger her, hvis du ikke vedhæfter en fil.",
        "Write your comments here if you do not attach a file.",
    ),
    # tasks
    "search_tasks": ("Søg i opgaver", "Search tasks"),
    "search_hint": ("Sagsnummer, opgave eller tekst.", "Case reference, task or text."),
    "task_form": ("Udfør opgaven", "Complete the task"),
    # admin
    "organisation_name": ("Myndighed eller nævn", "Authority or board"),
    "organisation_hint": (
        "Kun for sagsbehandlere: den myndighed eller det nævn, de arbejder for.",
        "Caseworkers only: the authority or board they work for.",
    ),
    # processes and the designer
    "versions": ("Versioner", "Versions"),
    "waiting_table": (
        "Uafsluttede sager pr. element (samme tal som i diagrammet)",
        "Unfinished cases per element (the figures of the diagram)",
    ),
    "help_timeDate": (
        'Et tidspunkt med UTC-forskydning som udtryk: `"2026-03-01T12:00:00+01:00"` eller '
        "en variabel som `fee_overdue_at`.",
        'An instant with a UTC offset as an expression: `"2026-03-01T12:00:00+01:00"` or a '
        "variable such as `fee_overdue_at`.",
    ),
    "help_timeDuration": (
        'En ISO 8601-varighed i anførselstegn: `"P14D"` (14 dage), `"PT2H"` (2 timer).',
        'An ISO 8601 duration in quotes: `"P14D"` (14 days), `"PT2H"` (2 hours).',
    ),
    "help_timeCycle": (
        'En gentagelse: `"R3/2026-03-01T09:00:00+01:00/P7D"` (3 gange, hver 7. dag fra '
        'starttidspunktet) eller `"R3/P7D"`.',
        'A repetition: `"R3/2026-03-01T09:00:00+01:00/P7D"` (3 times, every 7 days from '
        'the start) or `"R3/P7D"`.',
    ),
    "help_script": (
        "Python uden import. Hjælpere: `now()`, `today()`, `add_to_instant(at, days=7)`, "
        "`complaint.payment_deadline_utc(...)`.",
        "Python without imports. Helpers: `now()`, `today()`, `add_to_instant(at, days=7)`, "
        "`complaint.payment_deadline_utc(...)`.",
    ),
    "help_condition": (
        "Et Python-udtryk, der er sandt eller falsk: `in_time and has_standing`.",
        "A Python expression that is true or false: `in_time and has_standing`.",
    ),
    "help_dueIn": (
        "En ISO 8601-varighed uden anførselstegn: `P14D`.",
        "An ISO 8601 duration, unquoted: `P14D`.",
    ),
    "help_dueDateExpression": (
        "Et udtryk, der giver et tidspunkt med UTC-forskydning: `add_to_instant(now(), days=14)`.",
        "An expression giving an instant with a UTC offset: `add_to_instant(now(), days=14)`.",
    ),
    "help_candidateGroupExpression": (
        "Et udtryk, der giver gruppen: `'authority-' + authority_id`.",
        "An expression giving the group: `'authority-' + authority_id`.",
    ),
    "help_formKey": ("Formularens filnavn: `review.form`.", "The form's file name: `review.form`."),
}
CATALOGUE.update(STAFF_TEXTS)


def language() -> str:
    """The language of this request."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    default = current_app.extensions["klageflow"].settings.language
    return default if default in LANGUAGES else "da"


def t(key: str) -> str:
    """The text of `key` in the request's language (the key itself if it is unknown)."""
    pair = CATALOGUE.get(key)
    if pair is None:
        return key
    return pair[1] if language() == "en" else pair[0]


def pick(danish: str | None, english: str | None) -> str | None:
    """Of a Danish/English pair from the domain (status labels), the one to show."""
    return english if language() == "en" and english else danish


# Field errors from form validation (marshmallow's messages, and the engine's own Danish
# one) in the reader's language; matched on the start of the message.
FIELD_MESSAGES: tuple[tuple[str, tuple[str, str]], ...] = (
    ("Missing data for required field", ("Feltet skal udfyldes.", "This field is required.")),
    ("Feltet skal udfyldes", ("Feltet skal udfyldes.", "This field is required.")),
    ("Field may not be null", ("Feltet skal udfyldes.", "This field is required.")),
    ("Must be one of", ("Vælg en af mulighederne.", "Choose one of the options.")),
    ("Not a valid integer", ("Skriv et helt tal.", "Enter a whole number.")),
    ("Not a valid number", ("Skriv et tal.", "Enter a number.")),
    ("Not a valid date", ("Skriv en gyldig dato.", "Enter a valid date.")),
    ("Not a valid boolean", ("Vælg ja eller nej.", "Choose yes or no.")),
    (
        "String does not match",
        ("Teksten har ikke den rigtige form.", "The text has the wrong form."),
    ),
    ("Shorter than minimum length", ("Teksten er for kort.", "The text is too short.")),
    ("Longer than maximum length", ("Teksten er for lang.", "The text is too long.")),
    ("Must be greater than or equal", ("Tallet er for lille.", "The number is too small.")),
    ("Must be less than or equal", ("Tallet er for stort.", "The number is too large.")),
    ("Unknown field", ("Feltet findes ikke i formularen.", "The field is not in the form.")),
)


def field_message(message: str) -> str:
    """A validation message in the request's language (unknown ones as they are)."""
    for start, pair in FIELD_MESSAGES:
        if message.startswith(start):
            return pair[1] if language() == "en" else pair[0]
    return message
