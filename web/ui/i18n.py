"""The UI's words in Danish (the default) and English, and the chosen language.

A small catalogue keyed by message id; templates call `t("key")`. The language is the
session's choice (set on /sprog/<lang>), else KLAGEFLOW_LANGUAGE.
"""

from __future__ import annotations

from flask import current_app, session

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
    "fix_errors": ("Ret fejlene i formularen.", "Correct the errors in the form."),
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
    "co_complainants": (
        "Medklagere (brugernavne, én pr. linje; klagen indsendes, når alle har bekræftet)",
        "Co-complainants (usernames, one per line; filed when all have confirmed)",
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
    "file": (
        "Fil (PDF, PNG, JPEG eller tekst, højst 8 MB)",
        "File (PDF, PNG, JPEG or text, at most 8 MB)",
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
}


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
