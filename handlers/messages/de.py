MESSAGES = {
    "welcome": "Hallo! Ich klone Stimmen mit Einwilligung und spreche damit jeden Text. Alles bleibt auf diesem Server.",
    "consent.statement": (
        "Bevor ich eine Aufnahme speichere: Ich bin die Person, deren Stimme in den gesendeten Aufnahmen zu hören "
        "ist, oder ich habe ihre ausdrückliche Erlaubnis, und ich werde die geklonte Stimme nicht verwenden, um "
        "mich als jemand anderes auszugeben oder jemanden zu täuschen."
    ),
    "consent.ask": "Akzeptierst du diese Erklärung (Version {version})?",
    "consent.accept": "Ich stimme zu",
    "consent.decline": "Ich lehne ab",
    "consent.accepted": "Danke, deine Einwilligung ist gespeichert. Sende /newvoice, um eine Stimme anzulegen.",
    "consent.declined": "Verstanden. Es wird nichts gespeichert. Sende /start, wenn du es dir anders überlegst.",
    "consent.already": "Du hast die Einwilligungserklärung bereits akzeptiert (Version {version}).",
    "consent.revoked": "Deine Einwilligung ist widerrufen, deine Stimmen und Aufnahmen sind gelöscht ({count} Stimmen).",
    "consent.required": "Bitte akzeptiere zuerst die Einwilligungserklärung: sende /start.",
    "help": (
        "/start – Einwilligung und Vorstellung\n/newvoice – eine Stimme anlegen\n/train – sie trainieren\n"
        "/voices – deine Stimmen\n/status – deine Aufträge\n/cancel – einen Auftrag abbrechen\n"
        "/revoke – Einwilligung widerrufen\n"
        "Sende eine Sprachnachricht als Aufnahme; sende Text, um ihn mit deiner Stimme zu hören."
    ),
    "error.internal": "Bei uns ist etwas schiefgelaufen. Bitte versuche es später noch einmal.",
}
