"""The UI's words in Danish (the default) and English, and the chosen language.

A small catalogue keyed by message id; templates call `t("key")`. The language is the
session's choice (set on /sprog/<lang>), else KLAGEFLOW_LANGUAGE.
"""

from __future__ import annotations

import re
from typing import Any

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
    "by_law": ("efter loven", "by law"),
    "by_board": ("nævnets afgørelse", "the board's ruling"),
    "rule_late_complaint": (
        "en klage indgivet efter klagefristen har ikke opsættende virkning",
        "a complaint filed after the deadline does not suspend the decision",
    ),
    "fee": ("Gebyr", "Fee"),
    "fee_due": ("betales senest", "due by"),
    "fee_due_sentence": ("og skal betales senest", "and is due by"),
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
    "running_one": ("kørende sag", "running case"),
    "running_many": ("kørende sager", "running cases"),
    "deployed": ("Udrullet", "Deployed"),
    "next_start": ("Næste start", "Next start"),
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
        "Navn og e-mailadresse på dem, der klager sammen med dig. De får en mail med et link, "
        "hvor de bekræfter klagen, og den indsendes, når alle har bekræftet.",
        "Name and e-mail address of those who complain with you. They get a mail with a link "
        "where they confirm the complaint, and it is filed when all have confirmed.",
    ),
    "co_name": ("Medklagers navn", "Co-complainant's name"),
    "co_email": ("Medklagers e-mail", "Co-complainant's e-mail"),
    "co_problem_missing_name": (
        "Skriv navnet på medklageren med e-mailadressen {who}.",
        "Enter the name of the co-complainant with the address {who}.",
    ),
    "co_problem_bad_email": (
        "Skriv en gyldig e-mailadresse til {who}.",
        "Enter a valid e-mail address for {who}.",
    ),
    "co_problem_self": (
        "Du kan ikke invitere dig selv som medklager ({who}).",
        "You cannot invite yourself as a co-complainant ({who}).",
    ),
    "co_problem_duplicate": (
        "{who} står der allerede: skriv hver e-mailadresse kun én gang.",
        "{who} is there already: enter each e-mail address only once.",
    ),
    "co_complainants_heading": ("Medklagere", "Co-complainants"),
    "co_invited": ("inviteret", "invited"),
    "co_confirmed": ("har bekræftet", "has confirmed"),
    "co_declined": ("har takket nej", "declined"),
    "co_waiting": ("afventer svar", "awaiting reply"),
    "resend_invitation": ("Send invitationen igen", "Send the invitation again"),
    "resend_invitation_hint": (
        "Er mailen ikke kommet frem? Send invitationen igen med et nyt link. Det gamle link "
        "holder op med at virke.",
        "Did the mail not arrive? Send the invitation again with a new link. The old link "
        "stops working.",
    ),
    "invitation_resent": (
        "Invitationen er sendt igen med et nyt link. Det gamle link virker ikke længere.",
        "The invitation was sent again with a new link. The old link no longer works.",
    ),
    "invitations_sent": (
        "Klagen er sendt til dine medklagere. Den indsendes automatisk, når alle har bekræftet "
        "den.",
        "The complaint has been sent to your co-complainants. It is filed by itself when all "
        "have confirmed it.",
    ),
    "awaiting_co_hint": (
        "Klagen er ikke indsendt endnu. Den indsendes automatisk, når alle medklagere har "
        "bekræftet den; de har fået en mail med et link.",
        "The complaint is not filed yet. It is filed by itself when every co-complainant has "
        "confirmed it; they have been sent a mail with a link.",
    ),
    "already_filed": ("Klagen er allerede indsendt.", "The complaint is already filed."),
    "confirmed_and_filed": (
        "Du har bekræftet klagen. Alle har nu bekræftet, og klagen er indsendt. Sagsnummer:",
        "You have confirmed the complaint. Everyone has now confirmed, and it is filed. "
        "Case reference:",
    ),
    "invitation_title": ("Invitation til at klage sammen", "Invitation to complain together"),
    "invitation_lead": (
        "{complainant} inviterer dig ({name}) til at stå som medklager på denne klage.",
        "{complainant} invites you ({name}) to join this complaint as a co-complainant.",
    ),
    "invitation_how": (
        "Læs klagen. Bekræfter du den, står du som medklager, og klagen indsendes, når alle "
        "har bekræftet. Afslår du, får klageren besked.",
        "Read the complaint. If you confirm it, you join as a co-complainant, and the "
        "complaint is filed when all have confirmed. If you decline, the complainant is told.",
    ),
    "invitation_confirm_as": ("Bekræft klagen som {name}", "Confirm the complaint as {name}"),
    "invitation_login": ("Log ind for at bekræfte", "Log in to confirm"),
    "invitation_decline": ("Afslå invitationen", "Decline the invitation"),
    "invitation_wrong_role": (
        "Du er logget ind med en konto, der ikke er en klagers. Log ud, og log ind som klager "
        "for at bekræfte.",
        "You are logged in with an account that is not a complainant's. Log out and log in as "
        "a complainant to confirm.",
    ),
    "invitation_account": ("Har du ikke en konto?", "No account?"),
    "invitation_account_hint": (
        "Opret en konto som klager. Du bliver logget ind og kan derefter bekræfte klagen.",
        "Create a complainant account. You are logged in and can then confirm the complaint.",
    ),
    "invitation_create_account": ("Opret konto", "Create account"),
    "invitation_already_confirmed": (
        "Du har bekræftet klagen.",
        "You have confirmed the complaint.",
    ),
    "invitation_taken": (
        "Invitationen er allerede taget imod af en anden konto.",
        "The invitation has already been accepted by another account.",
    ),
    "invitation_declined_title": ("Du har afslået invitationen", "You declined the invitation"),
    "invitation_declined_text": (
        "Du står ikke som medklager. {name} har fået besked.",
        "You are not a co-complainant. {name} has been told.",
    ),
    "account_created": (
        "Din konto er oprettet, og du er logget ind.",
        "Your account is created and you are logged in.",
    ),
    "error_required": ("Feltet skal udfyldes.", "This field is required."),
    "error_password_short": (
        "Adgangskoden skal have mindst 10 tegn.",
        "The password needs at least 10 characters.",
    ),
    "password_hint": ("Mindst 10 tegn.", "At least 10 characters."),
    "error_username_taken": (
        "Brugernavnet er optaget. Vælg et andet.",
        "The username is taken. Choose another.",
    ),
    "error_username_invalid": (
        "Brugernavnet skal have 1-150 tegn.",
        "The username needs 1-150 characters.",
    ),
    "complainant": ("Klager", "Complainant"),
    "receipt_title": ("Kvittering for klage", "Receipt for your complaint"),
    "receipt_lead": (
        "Din klage er indsendt og modtaget. Du har også fået kvitteringen på mail.",
        "Your complaint is filed and received. The receipt has been mailed to you too.",
    ),
    "receipt_next": ("Hvad sker der nu?", "What happens next?"),
    "receipt_next_text": (
        "Klagen er sendt til {authority}, som genvurderer afgørelsen. Fastholder myndigheden "
        "afgørelsen, sender den klagen videre til nævnet med sin udtalelse, som udgangspunkt "
        "senest {date}.",
        "The complaint has gone to {authority}, which reconsiders its decision. If it "
        "maintains the decision, it forwards the complaint to the board with its statement, "
        "as a rule by {date}.",
    ),
    "receipt_mail": (
        "Du får besked på mail, når der sker noget i sagen, og kan altid følge den under Mine "
        "sager.",
        "You are told by e-mail when something happens in the case, and can always follow it "
        "under My cases.",
    ),
    "receipt_to_case": ("Gå til sagen", "Go to the case"),
    "receipt_link": ("Se kvitteringen", "See the receipt"),
    "permit_holder_party": (
        "Du er part i sagen, fordi klagen gælder din tilladelse. Du kan følge sagen her og "
        "sende bemærkninger, når nævnet har sagen i høring.",
        "You are a party to the case because the complaint concerns your permit. You can "
        "follow the case here and send comments while the board hears the case.",
    ),
    "permit_holder_comments_later": (
        "Du kan sende bemærkninger, når myndigheden har sendt klagen til nævnet.",
        "You can send comments once the authority has forwarded the complaint to the board.",
    ),
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
    "run_model_tests": ("Test", "Test"),
    "tests_passed": ("Alle modeltests bestod:", "Every model test passed:"),
    "tests_failed": ("Modeltests fejlede:", "Model tests failed:"),
    "tests_none": (
        "Modellen har ingen modeltests (unitTests på scriptopgaver eller en test_<model>.json).",
        "The model has no model tests (unitTests on script tasks, or a test_<model>.json).",
    ),
    "test_failed": ("Modeltesten «{name}» fejlede", "The model test “{name}” failed"),
    "test_passed": ("Modeltesten «{name}» bestod", "The model test “{name}” passed"),
    "test_changed": (
        "{path}: forventet {expected}, fik {actual}",
        "{path}: expected {expected}, got {actual}",
    ),
    "test_missing": (
        "{path}: forventet {expected}, mangler",
        "{path}: expected {expected}, missing",
    ),
    "test_unexpected": (
        "{path}: ikke forventet, fik {actual}",
        "{path}: not expected, got {actual}",
    ),
    "test_counts": ("{passed} bestod, {failed} fejlede", "{passed} passed, {failed} failed"),
    # demo mode: the banner, the sent mails and the time control
    "nav_demo_mails": ("Sendte e-mails", "Sent e-mails"),
    "demo_banner": (
        "Demo: sager og personer er opdigtede, gebyrer betales med testbetaling, og e-mails "
        "sendes ikke ud, men vises under Sendte e-mails.",
        "Demo: cases and people are made up, fees are paid with a test payment, and e-mails "
        "are not sent out but shown under Sent e-mails.",
    ),
    "demo_date_is": ("Demoens dato er", "The demo's date is"),
    "demo_real_date": ("i virkeligheden", "in reality"),
    "demo_time_link": ("Demo: spol tiden frem", "Demo: move time forward"),
    "demo_mails_title": ("Sendte e-mails", "Sent e-mails"),
    "demo_mails_intro": (
        "Demoen sender ingen e-mails ud af huset. Her er hver e-mail, systemet har sendt, "
        "sådan som modtageren ser den, nyeste først.",
        "The demo sends no e-mail out of the house. Here is every e-mail the system has sent, "
        "as its recipient sees it, newest first.",
    ),
    "demo_mails_none": (
        "Der er ikke sendt nogen e-mails endnu. Indsend en klage, så får myndigheden og "
        "tilladelsens indehaver besked.",
        "No e-mail has been sent yet. File a complaint, and the authority and the permit "
        "holder are told.",
    ),
    "demo_mails_count": ("Antal e-mails", "Number of e-mails"),
    "mail_from": ("Fra", "From"),
    "mail_to": ("Til", "To"),
    "mail_date": ("Dato", "Date"),
    "demo_time_title": ("Demo: spol tiden frem", "Demo: move time forward"),
    "demo_time_intro": (
        "Flyt demoens tid frem for at se frister udløbe: påmindelser til myndigheden, "
        "fristen for at betale gebyret og fristen for bemærkninger. Tiden gælder hele demoen "
        "og alle brugere, og den kan ikke spoles tilbage.",
        "Move the demo's time forward to watch deadlines pass: reminders to the authority, "
        "the deadline for paying the fee and the deadline for comments. The time applies to "
        "the whole demo and every user, and it cannot be turned back.",
    ),
    "demo_time_now": ("Demoens tid", "The demo's time"),
    "demo_time_real": ("Den rigtige tid", "The real time"),
    "demo_time_next": ("Næste frist i en sag", "Next deadline in a case"),
    "demo_time_no_next": (
        "Ingen sag venter på en frist lige nu.",
        "No case is waiting for a deadline right now.",
    ),
    "demo_time_day": ("+1 dag", "+1 day"),
    "demo_time_week": ("+1 uge", "+1 week"),
    "demo_time_fortnight": ("+14 dage", "+14 days"),
    "demo_time_deadline": ("Til næste frist", "To the next deadline"),
    "demo_time_moved_none": (
        "Tiden er spolet frem til {when}. Ingen frister udløb.",
        "Time has moved forward to {when}. No deadline fell due.",
    ),
    "demo_time_moved_one": (
        "Tiden er spolet frem til {when}. 1 frist eller påmindelse udløb i demoens processer.",
        "Time has moved forward to {when}. 1 deadline or reminder fell due in the demo's "
        "processes.",
    ),
    "demo_time_moved_many": (
        "Tiden er spolet frem til {when}. {count} frister og påmindelser udløb i demoens "
        "processer.",
        "Time has moved forward to {when}. {count} deadlines and reminders fell due in the "
        "demo's processes.",
    ),
    "demo_time_nothing": ("Vælg, hvor langt tiden skal frem.", "Choose how far to move time."),
    "demo_time_back": ("Tilbage til siden, du kom fra", "Back to the page you came from"),
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
    "comment_plain": ("Bemærkninger", "Comments"),
    "permit_holder_party_ended": (
        "Du er part i sagen, fordi klagen gælder din tilladelse. Sagen er afsluttet; du kan "
        "læse, hvordan den endte.",
        "You are a party to the case because the complaint concerns your permit. The case "
        "has ended; you can read how it ended.",
    ),
    "fee_permit_holder": (
        "Du betaler intet. Klagegebyret betales af den, der klager.",
        "You pay nothing. The complaint fee is paid by whoever complains.",
    ),
    "faq_fee_permit_holder": ("Skal jeg betale noget?", "Do I pay anything?"),
    "faq_fee_permit_holder_text": (
        "Nej. Klagegebyret betales af den, der klager. Som indehaver af tilladelsen er du "
        "part i sagen uden at betale noget, også for at sende bemærkninger.",
        "No. The complaint fee is paid by whoever complains. As the holder of the permit you "
        "are a party to the case without paying anything, also when you send comments.",
    ),
    "faq_next_permit_holder_text": (
        "Myndigheden genvurderer sin afgørelse. Fastholder den afgørelsen, sender den klagen "
        "til nævnet med en udtalelse, og du kan sende bemærkninger, mens nævnet har sagen. "
        "Nævnet træffer derefter afgørelse. Du får besked på e-mail, når sagen skifter trin.",
        "The authority reconsiders its decision. If it keeps it, it forwards the complaint to "
        "the board with a statement, and you can send comments while the board has the case. "
        "The board then decides. You get an e-mail when the case moves on.",
    ),
    "faq_fee": ("Hvorfor skal jeg betale gebyr?", "Why do I pay a fee?"),
    "faq_fee_text": (
        "Klagenævnene opkræver et gebyr for at behandle en klage. Du får gebyret tilbage, "
        "hvis afgørelsen ændres eller ophæves, hvis du får helt eller delvis medhold, eller "
        "hvis klagen afvises, fordi den er indgivet for sent, fordi du ikke er "
        "klageberettiget, eller fordi den ikke hører under nævnet. Trækker du klagen "
        "tilbage, får du ikke gebyret tilbage.",
        "The appeals boards charge a fee to handle a complaint. You get it back if the "
        "decision is changed or annulled, if you win in full or in part, or if the complaint "
        "is rejected as late, for lack of standing or because the board is not competent. "
        "If you withdraw the complaint, the fee is not refunded.",
    ),
    # the case page: deadlines, the fee, the decision, lateness
    "expected_decision": ("Forventet afgørelse fra nævnet", "Expected decision by the board"),
    "estimate": (
        "skøn ud fra den gennemsnitlige sagsbehandlingstid",
        "estimate from the average processing time",
    ),
    "no_deadline": ("Ingen frist lige nu", "No deadline at the moment"),
    "suspensive_board": ("afgjort af nævnet", "decided by the board"),
    "suspensive_law": ("efter loven", "by law"),
    "suspensive_late": (
        "klagen er indgivet efter klagefristen, og en for sent indgivet klage har ikke "
        "opsættende virkning",
        "the complaint was filed after the complaint deadline, and a late complaint has no "
        "suspensive effect",
    ),
    "suspensive_late_draft": (
        "klagefristen er udløbet: indsendes klagen nu, har den ikke opsættende virkning",
        "the complaint deadline has passed: filed now, the complaint has no suspensive effect",
    ),
    "suspensive_ended": (
        "sagen er afsluttet, så klagen har ikke længere opsættende virkning",
        "the case has ended, so the complaint no longer has suspensive effect",
    ),
    "fee_not_due": (
        "Ikke betalt: gebyret skal ikke længere betales, fordi sagen er afsluttet",
        "Not paid: the fee is no longer due, because the case has ended",
    ),
    "fee_paid_on": ("betalt", "paid"),
    "fee_refunded_on": ("tilbagebetalt", "refunded"),
    "fee_reason_intro": ("Beløbet er", "The amount is the"),
    "late_heading": ("Klagen er indgivet efter klagefristen", "The complaint was filed late"),
    "late_draft_heading": ("Klagefristen er udløbet", "The complaint deadline has passed"),
    "late_text": (
        "Klagefristen udløb {deadline}. Du kan stadig indsende klagen, men nævnet afgør, om "
        "en for sent indgivet klage kan behandles. En for sent indgivet klage har ikke "
        "opsættende virkning.",
        "The complaint deadline was {deadline}. You can still file the complaint, but the "
        "board decides whether a late complaint can be considered. A late complaint has no "
        "suspensive effect.",
    ),
    "late_excused_text": (
        "Klagefristen udløb {deadline}, men nævnet har vurderet, at fristoverskridelsen er "
        "undskyldelig, og behandler klagen. Klagen har ikke opsættende virkning.",
        "The complaint deadline was {deadline}, but the board has found the delay excusable "
        "and considers the complaint. The complaint does not suspend the decision.",
    ),
    "late_filed_text": (
        "Klagefristen udløb {deadline}. Nævnet afgør, om klagen alligevel kan behandles. "
        "Klagen har ikke opsættende virkning.",
        "The complaint deadline was {deadline}. The board decides whether the complaint can "
        "be considered all the same. The complaint has no suspensive effect.",
    ),
    "late_option": ("klagefristen er udløbet", "the complaint deadline has passed"),
    "decision_heading": ("Sådan endte sagen", "How the case ended"),
    "decision_summary": ("Nævnets begrundelse og resumé", "The board's reasons and summary"),
    "lawsuit_text": (
        "Afgørelsen kan ikke påklages til en anden administrativ myndighed. Vil du have den "
        "prøvet ved domstolene, skal retssagen være anlagt senest {deadline}, 6 måneder "
        "efter afgørelsen ({basis}).",
        "The decision cannot be appealed to another administrative authority. To have it "
        "tried by the courts, the lawsuit must be brought by {deadline}, 6 months after the "
        "decision ({basis}).",
    ),
    "edit_draft": ("Redigér kladden", "Edit the draft"),
    "edit_draft_title": ("Redigér klagen", "Edit the complaint"),
    "save_changes": ("Gem ændringer", "Save changes"),
    "decision_fixed_hint": (
        "Afgørelsen kan ikke ændres i en kladde. Klager du over en anden afgørelse, så opret "
        "en ny klage.",
        "The decision cannot be changed in a draft. To complain about another decision, "
        "create a new complaint.",
    ),
    "withdraw_title": ("Vil du trække klagen tilbage?", "Do you want to withdraw the complaint?"),
    "withdraw_consequence": (
        "Trækker du klagen tilbage, afsluttes sagen, og nævnet træffer ikke afgørelse i den. "
        "Det kan ikke fortrydes.",
        "If you withdraw the complaint, the case ends and the board makes no decision in it. "
        "This cannot be undone.",
    ),
    "withdraw_fee_paid_kept": (
        "Du har betalt gebyret. Det betales ikke tilbage, når klagen trækkes tilbage.",
        "You have paid the fee. It is not refunded when the complaint is withdrawn.",
    ),
    "withdraw_fee_paid_refunded": (
        "Du har betalt gebyret. Det betales tilbage, når klagen trækkes tilbage.",
        "You have paid the fee. It is refunded when the complaint is withdrawn.",
    ),
    "withdraw_fee_unpaid": (
        "Du har ikke betalt gebyr, og du skal ikke betale noget, når klagen trækkes tilbage.",
        "You have not paid a fee, and you pay nothing when the complaint is withdrawn.",
    ),
    "withdraw_cancel": ("Fortryd", "Cancel"),
    "withdraw_not_possible": (
        "Klagen kan ikke trækkes tilbage, fordi sagen er afsluttet.",
        "The complaint cannot be withdrawn, because the case has ended.",
    ),
    "withdraw_link_hint": (
        "Du kan trække klagen tilbage, indtil nævnet har truffet afgørelse.",
        "You can withdraw the complaint until the board has decided.",
    ),
    "the_file": ("Filen", "The file"),
    "the_comment": ("Bemærkningerne", "The comments"),
    "not_stored": ("blev ikke gemt.", "was not stored."),
    "comment_added": ("Bemærkningerne er tilføjet sagen.", "The comments are added to the case."),
    "error_403_text": (
        "Du har ikke adgang til denne side eller handling.",
        "You do not have access to this page or action.",
    ),
    # a new complaint
    "new_case_intro": (
        "Udfyld klagen, og indsend den. Du kan også gemme den som kladde, rette i den og "
        "indsende den senere. Indsend klagen inden klagefristen.",
        "Fill in the complaint and file it. You can also save it as a draft, change it and "
        "file it later. File the complaint before the complaint deadline.",
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
    "error_unreadable": (
        "Feltet indeholder tegn, som ikke kan læses. Ret eller fjern dem, og prøv igen.",
        "The field holds characters that cannot be read. Correct or remove them and try again.",
    ),
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
        "Skriv dine bemærkninger her. Vælger du også en fil, gemmes begge dele.",
        "Write your comments here. If you also choose a file, both are stored.",
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
    # moving cases between versions
    "version_cases": (
        "Sager på denne version, og flytning til en anden version",
        "Cases on this version, and moving them to another version",
    ),
    "version_cases_title": ("Sager på version {version}", "Cases on version {version}"),
    "version_cases_intro": (
        "En uafsluttet sag kan flyttes til en anden version af processen, når alt, hvad den "
        "har gennemført eller venter ved, er uændret i den nye version. Det, sagen endnu ikke "
        "er nået til, må gerne være ændret. Prøv først: en prøve ændrer ingenting.",
        "An unfinished case can move to another version of the process when everything it "
        "has completed or is waiting at is unchanged in the new version. What it has not "
        "reached yet may have changed. Try first: a trial changes nothing.",
    ),
    "unfinished_cases": ("Uafsluttede sager", "Unfinished cases"),
    "no_unfinished_cases": (
        "Ingen uafsluttede sager kører på denne version.",
        "No unfinished cases run on this version.",
    ),
    "started_at": ("Startet", "Started"),
    "status_running": ("I gang", "Running"),
    "status_incident": ("Hændelse", "Incident"),
    "move_to_version": ("Flyt til version", "Move to version"),
    "migration_try": ("Prøv flytningen", "Try the migration"),
    "migration_run": ("Flyt sagerne", "Move the cases"),
    "migration_only_version": (
        "Der er ingen anden version at flytte sagerne til.",
        "There is no other version to move the cases to.",
    ),
    "migration_pick_version": (
        "Vælg en anden version af processen.",
        "Choose another version of the process.",
    ),
    "migration_dry_caption": (
        "Prøve: kan sagerne flyttes til version {version}?",
        "Trial: can the cases move to version {version}?",
    ),
    "migration_done_caption": (
        "Flytning til version {version}",
        "Migration to version {version}",
    ),
    "migration_dry_summary": (
        "{count} af {total} sager kan flyttes til version {version}. Intet er ændret endnu.",
        "{count} of {total} cases can move to version {version}. Nothing has changed yet.",
    ),
    "migration_done_summary": (
        "{count} af {total} sager er flyttet til version {version}.",
        "{count} of {total} cases have moved to version {version}.",
    ),
    "waiting_at": ("Venter ved", "Waiting at"),
    "result": ("Resultat", "Result"),
    "reason": ("Begrundelse", "Reason"),
    "migratable": ("Kan flyttes", "Can move"),
    "migrated": ("Flyttet", "Moved"),
    "not_migratable": ("Kan ikke flyttes", "Cannot move"),
    "obstacle_completed": ("som sagen har gennemført", "which the case has completed"),
    "obstacle_waiting": ("som sagen venter ved", "which the case is waiting at"),
    "obstacle_cancelled": ("som sagen har passeret", "which the case has passed"),
    "obstacle_changed": ("er ændret i den nye version", "has changed in the new version"),
    "obstacle_removed": ("findes ikke i den nye version", "is not in the new version"),
    "migration_incident": (
        "Sagen har en åben hændelse. Prøv hændelsen igen først.",
        "The case has an open incident. Retry the incident first.",
    ),
    "migration_meanwhile": (
        "Sagen blev ændret undervejs. Prøv igen.",
        "The case changed meanwhile. Try again.",
    ),
    "version_history": ("Versionshistorik", "Version history"),
    "version_history_intro": (
        "Sagen er flyttet mellem versioner af processen:",
        "The case has moved between versions of the process:",
    ),
    "from_version": ("Fra version", "From version"),
    "to_version": ("Til version", "To version"),
    "by_whom": ("Af", "By"),
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
    # the staff's pages: the administrator's pages, authorities and boards
    "admin_pages": ("Administrationens sider", "Administration pages"),
    "admin_overview": ("Oversigt", "Overview"),
    "and": ("og", "and"),
    "all": ("Alle", "All"),
    "edit": ("Redigér", "Edit"),
    "open_incidents": ("Åbne hændelser", "Open incidents"),
    "organisation_kind": ("Slags", "Kind"),
    "org_kind_authority": ("Myndighed", "Authority"),
    "org_kind_board": ("Klagenævn", "Complaints board"),
    "new_organisation": ("Ny myndighed eller nyt nævn", "New authority or board"),
    "organisation_name_field": ("Navn", "Name"),
    "organisation_id": ("Kort navn (id)", "Short name (id)"),
    "organisation_id_hint": (
        "Små bogstaver, tal og bindestreg, fx aabenraa. Kan ikke ændres bagefter.",
        "Lower-case letters, digits and hyphens, e.g. aabenraa. Cannot be changed later.",
    ),
    "board_code": ("Nævnets kode (kun nævn)", "Board code (boards only)"),
    "board_code_hint": (
        "PKN for Planklagenævnet, MFKN for Miljø- og Fødevareklagenævnet: klager sendes til "
        "nævnet med koden for deres lovgrundlag.",
        "PKN for the Planning Appeals Board, MFKN for the Environment and Food Appeals Board: "
        "complaints go to the board with the code of their legal basis.",
    ),
    "organisation_created": ("{name} er oprettet.", "{name} is created."),
    "organisation_id_invalid": (
        "Det korte navn skal være 2-64 tegn: små bogstaver, tal og bindestreg.",
        "The short name must be 2-64 characters: lower-case letters, digits and hyphens.",
    ),
    "organisation_id_taken": (
        "Det korte navn {id} er allerede i brug.",
        "The short name {id} is already taken.",
    ),
    "organisation_kind_missing": (
        "Vælg, om det er en myndighed eller et nævn.",
        "Choose whether it is an authority or a board.",
    ),
    "organisation_name_missing": ("Skriv et navn.", "Enter a name."),
    "notification_email_invalid": (
        "Underretningsadressen skal være en e-mailadresse.",
        "The notification address must be an e-mail address.",
    ),
    "board_code_invalid": (
        "Nævnets kode skal være en af {codes}.",
        "The board code must be one of {codes}.",
    ),
    "board_code_taken": (
        "Et andet nævn har allerede koden {code}.",
        "Another board already has the code {code}.",
    ),
    # administrator: the e-mail outbox and incidents
    "mails_title": ("E-mails", "E-mails"),
    "mails_intro": (
        "Alle e-mails, systemet sender. En e-mail, der ikke kan afleveres, prøves igen med "
        "stigende mellemrum; efter for mange forsøg, eller hvis modtageren afvises, fejler den. "
        "Du kan sende en ventende eller fejlet e-mail igen nu eller annullere den.",
        "Every e-mail the system sends. A mail that cannot be delivered is tried again at "
        "growing intervals; after too many attempts, or when the recipient is refused, it "
        "fails. You can send a waiting or failed mail again now, or cancel it.",
    ),
    "mail_filter": ("Vis e-mails", "Show e-mails"),
    "mail_view_waiting": ("Venter", "Waiting"),
    "mail_view_retrying": ("Prøves igen", "Retrying"),
    "mail_view_sending": ("Sendes nu", "Sending"),
    "mail_view_failed": ("Fejlet", "Failed"),
    "mail_view_cancelled": ("Annulleret", "Cancelled"),
    "mail_view_sent": ("Sendt", "Sent"),
    "mail_recipient_subject": ("Modtager og emne", "Recipient and subject"),
    "mail_last_error": ("Seneste fejl", "Last error"),
    "mail_created": ("Oprettet", "Created"),
    "mail_attempts": ("Forsøg: {n}", "Attempts: {n}"),
    "mail_next_attempt": ("Næste forsøg", "Next attempt"),
    "mail_sent_at": ("Sendt", "Sent"),
    "mail_send_now": ("Send igen nu", "Send again now"),
    "mail_cancel": ("Annullér", "Cancel"),
    "mail_cancelled": (
        "E-mailen er annulleret og sendes ikke.",
        "The mail is cancelled and will not be sent.",
    ),
    "mails_stuck": (
        "{retrying} e-mail(s) kunne ikke afleveres og prøves igen, {failed} er fejlet. Se "
        "fejlen under E-mails.",
        "{retrying} mail(s) could not be delivered and are being retried, {failed} failed. "
        "See the error under E-mails.",
    ),
    "no_mails": ("Ingen e-mails her.", "No mails here."),
    "incidents_intro": (
        "Trin i en proces, der fejlede. Sagen står stille ved elementet, til trinnet køres igen.",
        "Steps inside a process that failed. The case waits at the element until the step is "
        "run again.",
    ),
    "no_incidents": ("Ingen åbne hændelser.", "No open incidents."),
    # menus
    "nav_all_cases": ("Sager", "Cases"),
    "nav_decisions": ("Afgørelser", "Decisions"),
    # the authority's decisions
    "decisions_title": ("Afgørelser", "Decisions"),
    "decisions_intro": (
        "Myndighedens registrerede afgørelser med klagefrist og de klager, der er indgivet over "
        "dem. En afgørelse kan rettes, indtil en klage over den er indgivet.",
        "The authority's registered decisions with their complaint deadline and the complaints "
        "filed against them. A decision can be corrected until a complaint against it is filed.",
    ),
    "new_decision": ("Registrér en afgørelse", "Register a decision"),
    "no_decisions": ("Ingen afgørelser endnu.", "No decisions yet."),
    "none_short": ("Ingen", "None"),
    "complaints": ("Klager", "Complaints"),
    "no_complaints_yet": ("Ingen klager endnu", "No complaints yet"),
    "decision_type": ("Slags afgørelse", "Kind of decision"),
    "decision_title_field": ("Titel", "Title"),
    "decision_title_hint": (
        "Som klageren ser den, fx Landzonetilladelse til enfamiliehus, Gammeldam 4, Sønderborg.",
        "As the complainant sees it, e.g. Rural zone permit for a house, Gammeldam 4, Sønderborg.",
    ),
    "legal_bases": ("Lovgrundlag", "Legal bases"),
    "legal_bases_hint": (
        "Vælg de bestemmelser, afgørelsen er truffet efter; de afgør, hvilket nævn klager går til.",
        "Choose the provisions the decision was made under; they decide which board complaints go to.",
    ),
    "addressee": ("Adressat", "Addressee"),
    "permit_holder": ("Tilladelsens indehaver", "Permit holder"),
    "decision_permit_holder_hint": (
        "Den, der har fået tilladelsen eller dispensationen (ofte adressaten). Får besked om klager.",
        "Whoever was granted the permit or exemption (often the addressee). Is told of complaints.",
    ),
    "notice": ("Meddelt eller offentliggjort", "Notified or published"),
    "notice_hint": (
        "Ved brev regnes afgørelsen for meddelt 6 hverdage efter brevets dato.",
        "By letter the decision counts as notified 6 working days after the letter's date.",
    ),
    "notice_digital": ("Meddelt med Digital Post", "Notified by Digital Post"),
    "notice_post": ("Meddelt med brev", "Notified by letter"),
    "notice_published": ("Offentliggjort", "Published"),
    "notice_date": (
        "Dato for meddelelse eller offentliggørelse",
        "Date of notification or publication",
    ),
    "compute_deadline": ("Beregn klagefrist", "Compute the deadline"),
    "deadline_preview": ("Klagefrist", "Complaint deadline"),
    "deadline_preview_text": (
        "Med disse oplysninger kan der klages til og med",
        "With these facts a complaint can be filed until",
    ),
    "at_end_of_day": ("kl. 23.59", "at 23:59"),
    "decision_document": ("Afgørelsen (PDF)", "The decision (PDF)"),
    "decision_document_hint": (
        "Afgørelsen som PDF, højst 8 MB.",
        "The decision as a PDF, at most 8 MB.",
    ),
    "decision_document_replace_hint": (
        "Vælg kun en fil, hvis den skal erstatte den gemte.",
        "Choose a file only to replace the stored one.",
    ),
    "optional": ("frivilligt", "optional"),
    "register_decision": ("Registrér afgørelsen", "Register the decision"),
    "save_decision": ("Gem rettelserne", "Save the corrections"),
    "correct_decision": ("Ret afgørelsen", "Correct the decision"),
    "correct_decision_hint": (
        "Klagefristen beregnes igen, når du gemmer.",
        "The complaint deadline is computed again when you save.",
    ),
    "decision_registered": (
        "Afgørelsen er registreret. Der kan nu klages over den.",
        "The decision is registered. Complaints can now be filed against it.",
    ),
    "decision_corrected": ("Afgørelsen er rettet.", "The decision is corrected."),
    "decision_locked": (
        "Der er klaget over afgørelsen, så den kan ikke længere rettes: klagesagen behandles "
        "på de oplysninger, klagen blev indgivet på. Kontakt nævnet, hvis en oplysning er forkert.",
        "A complaint has been filed against the decision, so it can no longer be corrected: "
        "the case is handled on the facts it was filed on. Contact the board if a fact is wrong.",
    ),
    "registered": ("Registreret", "Registered"),
    "corrected": ("Rettet", "Corrected"),
    "error_decision_type": (
        "Vælg, hvilken slags afgørelse det er.",
        "Choose the kind of decision.",
    ),
    "error_decision_title": ("Skriv afgørelsens titel.", "Enter the decision's title."),
    "error_too_long": ("Højst {n} tegn.", "At most {n} characters."),
    "error_legal_bases": ("Vælg mindst ét lovgrundlag.", "Choose at least one legal basis."),
    "error_party_name": ("Skriv navnet.", "Enter the name."),
    "error_email": ("Skriv en gyldig e-mailadresse.", "Enter a valid e-mail address."),
    "error_notice": (
        "Vælg, hvordan afgørelsen er meddelt eller offentliggjort.",
        "Choose how the decision was notified or published.",
    ),
    "error_notice_date": ("Skriv en dato.", "Enter a date."),
    "error_document_missing": (
        "Vælg afgørelsen som PDF-fil.",
        "Choose the decision as a PDF file.",
    ),
    "error_document_pdf": (
        "Filen skal være en PDF på højst 8 MB.",
        "The file must be a PDF of at most 8 MB.",
    ),
    # tasks
    "claim_first": (
        "Tag opgaven først: tryk på »Tag opgaven«, så dine kolleger kan se, at du arbejder på "
        "den. Det, du har skrevet, er bevaret.",
        'Claim the task first: press "Claim" so your colleagues see that you work on it. '
        "What you typed is kept.",
    ),
    "claimed_by_other": (
        "Opgaven er taget af {user}. Kun den, der har taget opgaven, kan udføre den.",
        "The task is claimed by {user}. Only whoever claimed it can complete it.",
    ),
    "claim_hint": (
        "Tag opgaven, før du udfører den. Så kan dine kolleger se, at du arbejder på den.",
        "Claim the task before you complete it, so your colleagues see that you work on it.",
    ),
    # the caseworker's case file
    "complaint_late": (
        "Klagen er indsendt efter klagefristen: indsendt {filed}, fristen var {deadline}.",
        "The complaint was filed after the deadline: filed {filed}, the deadline was {deadline}.",
    ),
    "filed_late": ("efter klagefristen", "after the deadline"),
    "filed_in_time": ("rettidigt", "in time"),
    "fee_higher_rate": (
        "høj sats: klageren eller en medklager er virksomhed, organisation eller myndighed",
        "higher rate: the complainant or a co-complainant is a company, organisation or authority",
    ),
    "fee_private_rate": ("lav sats: privatperson", "private rate: a private person"),
    "fee_rate_year": ("satsen for {year}", "the {year} rate"),
    "fee_paid": ("Betalt", "Paid"),
    "fee_refunded": ("Tilbagebetalt", "Refunded"),
    "fee_not_paid_due": ("Ikke betalt; frist", "Not paid; due"),
    "fee_not_requested": ("Ikke opkrævet endnu", "Not requested yet"),
    "suspensive_requested": (
        "Klageren har bedt om opsættende virkning.",
        "The complainant asked for suspensive effect.",
    ),
    "deadlines": ("Frister", "Deadlines"),
    "deadlines_hint": (
        "Parternes frister løber til kl. 23.59 dansk tid på den viste dag.",
        "The parties' deadlines run until 23:59 Danish time on the day shown.",
    ),
    "deadline_complaint": ("Klagefrist", "Complaint deadline"),
    "deadline_forwarding": (
        "Myndigheden videresender senest (vejledende)",
        "Authority forwards by (guide)",
    ),
    "deadline_comments": (
        "Parternes bemærkninger til udtalelsen",
        "Parties' comments on the statement",
    ),
    "deadline_fee": ("Betaling af gebyr", "Fee payment"),
    "deadline_lawsuit": ("Søgsmålsfrist", "Deadline for a lawsuit"),
    "parties": ("Parter", "Parties"),
    "party_role": ("Rolle", "Role"),
    "party_complainant": ("Klager", "Complainant"),
    "party_co_complainant": ("Medklager", "Co-complainant"),
    "party_permit_holder": ("Tilladelsens indehaver", "Permit holder"),
    "party_authority": ("Myndighed", "Authority"),
    "authority_statement": ("Myndighedens udtalelse", "The authority's statement"),
    "no_statement_yet": (
        "Myndigheden har ikke afgivet udtalelse endnu.",
        "The authority has not given a statement yet.",
    ),
    # completing a task that ends the case
    "ends_case_heading": ("Afslutter sagen", "Ends the case"),
    "ends_by_rejection": (
        "Du har ikke sat kryds ved {unticked}. Så bliver klagen afvist, og sagen afsluttes. "
        "Parterne får besked. Er du sikker?",
        "You have not ticked {unticked}. The complaint is then rejected and the case ends. "
        "The parties are told. Are you sure?",
    ),
    "ends_by_change": (
        "Når myndigheden ændrer afgørelsen, afsluttes klagesagen, og parterne får besked. Er du sikker?",
        "When the authority changes the decision, the complaint case ends and the parties are "
        "told. Are you sure?",
    ),
    "complete_and_end": ("Ja, udfør og afslut sagen", "Yes, complete and end the case"),
    "cancel_and_start_over": ("Nej, fortryd", "No, go back"),
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


# Field errors from form validation (marshmallow's messages, and the engine's own Danish
# one) in the reader's language; matched on the start of the message.
FIELD_MESSAGES: tuple[tuple[str, tuple[str, str]], ...] = (
    ("Missing data for required field", ("Feltet skal udfyldes.", "This field is required.")),
    ("Feltet skal udfyldes", ("Feltet skal udfyldes.", "This field is required.")),
    ("Field may not be null", ("Feltet skal udfyldes.", "This field is required.")),
    ("Must be one of", ("Vælg en af mulighederne.", "Choose one of the options.")),
    ("one of ", ("Vælg en af mulighederne.", "Choose one of the options.")),
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
    ("the number is larger than", ("Tallet er for stort.", "The number is too large.")),
    ("the number is not finite", ("Skriv et tal.", "Enter a number.")),
)


# The services' refusals (English, for the API) as the UI tells them; matched on the
# message with `re.fullmatch`, named groups filled into the text.
ERROR_MESSAGES: tuple[tuple[str, tuple[str, str]], ...] = (
    (r"complaint \S+ is already filed", (
        "Klagen er allerede indsendt.", "The complaint is already filed.")),
    (r"complaint \S+ is filed and can no longer be changed", (
        "Klagen er indsendt og kan ikke længere ændres.",
        "The complaint is filed and can no longer be changed.")),
    (r"complaint \S+ changed while it was being filed; try again", (
        "Klagen blev ændret, mens den blev indsendt. Prøv igen.",
        "The complaint changed while it was being filed. Please try again.")),
    (r"waiting for confirmation from (?P<names>.+)", (
        "Klagen kan først indsendes, når alle medklagere har bekræftet den. Vi venter på: "
        "{names}.",
        "The complaint can be filed once every co-complainant has confirmed it. Waiting "
        "for: {names}.")),
    (r"no board is registered for this legal basis; ask an administrator", (
        "Der er ikke registreret et klagenævn for dette lovgrundlag. Kontakt os.",
        "No appeals board is registered for this legal basis. Please contact us.")),
    (r"only the complainant who filed the complaint may do this", (
        "Kun den klager, der har oprettet klagen, kan gøre dette.",
        "Only the complainant who created the complaint can do this.")),
    (r"you are not a co-complainant of this complaint", (
        "Du er ikke medklager på denne klage.", "You are not a co-complainant of this complaint.")),
    (r"a draft is not filed; delete it instead of withdrawing it", (
        "En kladde er ikke indsendt og kan derfor ikke trækkes tilbage.",
        "A draft is not filed, so it cannot be withdrawn.")),
    (r"the form has expired or did not come from this site; reload and try again", (
        "Formularen er udløbet eller kom ikke fra denne side. Genindlæs siden, og prøv igen.",
        "The form has expired or did not come from this site. Reload the page and try again.")),
    (r"the legal basis is not one of the decision's", (
        "Vælg et af afgørelsens lovgrundlag.", "Choose one of the decision's legal bases.")),
    (r"the file is empty", ("Filen er tom.", "The file is empty.")),
    (r"the file is too large", ("Filen er for stor (højst 8 MB).", "The file is too large (at most 8 MB).")),
    (r"the file type is not accepted", (
        "Filtypen kan ikke modtages: brug PDF, PNG, JPEG eller tekst.",
        "The file type is not accepted: use PDF, PNG, JPEG or text.")),
    (r"no fee is due on \S+", ("Der er intet gebyr at betale.", "There is no fee to pay.")),
    (r"the case has ended and takes no more documents", (
        "Sagen er afsluttet, og der kan ikke længere lægges dokumenter på den.",
        "The case has ended; no more documents can be added to it.")),
    (r"the permit holder comments while the board hears the case", (
        "Du kan sende bemærkninger, når myndigheden har sendt klagen til nævnet, og indtil "
        "nævnet har truffet afgørelse.",
        "You can send comments once the authority has forwarded the complaint to the board, "
        "until the board has decided.")),
    (r"complaint \S+ is not waiting for its co-complainants", (
        "Klagen venter ikke længere på medklagere.",
        "The complaint is no longer waiting for co-complainants.")),
    (r"no such invitation", ("Invitationen findes ikke eller er ikke længere gyldig.",
                             "The invitation does not exist or is no longer valid.")),
    (r"no such complaint", ("Klagen findes ikke, eller du har ikke adgang til den.",
                            "The complaint does not exist, or you have no access to it.")),
)  # fmt: skip

# A refusal the table above does not know, by its HTTP status.
ERROR_BY_STATUS: dict[int, tuple[str, str]] = {
    403: ("Du har ikke adgang til at gøre dette.", "You are not allowed to do this."),
    404: ("Det findes ikke, eller du har ikke adgang til det.",
          "It does not exist, or you have no access to it."),
    409: ("Det kan ikke lade sig gøre i sagens nuværende tilstand. Genindlæs siden, og se, "
          "hvor sagen står.",
          "That cannot be done as the case stands now. Reload the page to see where it "
          "stands."),
    422: ("Oplysningerne kunne ikke godkendes.", "The information could not be accepted."),
}  # fmt: skip


def error_message(message: str, status: int = 400, general: bool = True) -> str:
    """A service's refusal in the request's language: a known one word for word, else a
    general sentence for its status, so no English detail reaches a citizen's page
    (`general=False` keeps an unknown message as it is, for staff)."""
    index = 1 if language() == "en" else 0
    for pattern, pair in ERROR_MESSAGES:
        match = re.fullmatch(pattern, message)
        if match:
            return pair[index].format(**match.groupdict())
    if not general:
        return message
    sentence = ERROR_BY_STATUS.get(status)
    return sentence[index] if sentence else t("error_other_title") + "."


def field_message(message: str) -> str:
    """A validation message in the request's language (unknown ones as they are)."""
    for start, pair in FIELD_MESSAGES:
        if message.startswith(start):
            return pair[1] if language() == "en" else pair[0]
    return message


def field_messages(errors: dict[str, Any]) -> dict[str, Any]:
    """Validation errors by field with each message in the request's language (nested kept)."""
    return {
        key: [field_message(m) if isinstance(m, str) else m for m in messages]
        if isinstance(messages, list)
        else messages
        for key, messages in errors.items()
    }
