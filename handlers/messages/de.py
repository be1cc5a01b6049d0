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
    "voice.default_name": "Meine Stimme",
    "voice.name_taken": "Du hast schon eine Stimme namens {name}. Wähle einen anderen Namen: /newvoice <Name>",
    "voice.choose_type": "Neue Stimme „{name}“. Welche Art? Mehr Aufnahmen ergeben eine ähnlichere Stimme.",
    "voice.not_collecting": "Diese Stimme wartet nicht auf Aufnahmen.",
    "tier.instant": "Sofort (10 s Sprache)",
    "tier.standard": "Standard (1 min)",
    "tier.premium": "Premium (5 min, feinabgestimmt)",
    "tier.professional": "Professionell (15 min, saubere Aufnahmen)",
    "collect.first": "Schick Sprachnachrichten, in denen du die Sätze vorliest, die ich dir gebe ({seconds} s Sprache nötig). Der erste:\n\n„{sentence}“",
    "collect.no_voice": "Leg zuerst eine Stimme an: /newvoice <Name>",
    "collect.not_audio": "Nicht gespeichert: Diese Datei ist kein Audio. Schick eine Sprachnachricht oder eine Audiodatei.",
    "collect.too_large": "Diese Datei ist größer als {mb} MB; schick eine kürzere Aufnahme.",
    "collect.rejected": "Nicht gespeichert: {reason}\nBitte noch einmal:\n\n„{sentence}“",
    "collect.kept": "Gespeichert: {seconds} s Sprache, Qualität {quality}.\n{bar}\nAls Nächstes:\n\n„{sentence}“",
    "collect.kept_ready": "Gespeichert: {seconds} s Sprache, Qualität {quality}.\n{bar}\nGenug für /train – oder lies weiter für eine ähnlichere Stimme:\n\n„{sentence}“",
    "collect.not_enough": "Noch nicht genug Sprache: {bar}. Schick zuerst weitere Sprachnachrichten.",
    "train.queued": "Das Training von „{name}“ ist in der Warteschlange (Position {position}).",
    "job.progress": "{step}: {percent} % (noch etwa {eta})",
    "train.done": "Deine Stimme „{name}“ ist fertig. Schick einen beliebigen Text, und ich spreche ihn.",
    "job.failed": "Das hat nicht geklappt: {reason}",
    "job.cancelled": "Abgebrochen.",
    "speak.no_voice": "Du hast noch keine fertige Stimme. Leg eine an mit /newvoice <Name>.",
    "command.start": "Einwilligung und Vorstellung",
    "command.newvoice": "Eine neue Stimme anlegen",
    "command.train": "Die gerade gesammelte Stimme trainieren",
    "command.help": "Was ich kann",
    "command.revoke": "Einwilligung widerrufen und Stimmen löschen",
    "error.internal": "Bei uns ist etwas schiefgelaufen. Bitte versuche es später noch einmal.",
}
