"""The texts of the staff's pages (authority, board, administrator), Danish and English."""

from __future__ import annotations

STAFF_TEXTS: dict[str, tuple[str, str]] = {
    # administrator: pages, authorities and boards
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
    "permit_holder_field_hint": (
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
    "contact": ("Kontakt", "Contact"),
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
