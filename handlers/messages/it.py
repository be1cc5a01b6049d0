MESSAGES = {
    "welcome": "Ciao! Clono voci con il consenso e faccio dire loro qualsiasi testo. Tutto resta su questo server.",
    "consent.statement": (
        "Prima che io conservi una registrazione: sono la persona la cui voce è nei campioni che invio, oppure ho "
        "il suo permesso esplicito, e non userò la voce clonata per impersonare o ingannare nessuno."
    ),
    "consent.ask": "Accetti questa dichiarazione (versione {version})?",
    "consent.accept": "Accetto",
    "consent.decline": "Non accetto",
    "consent.accepted": "Grazie, il tuo consenso è registrato. Invia /newvoice per iniziare una voce.",
    "consent.declined": "Capito. Non viene conservato nulla. Invia /start se cambi idea.",
    "consent.already": "Hai già accettato la dichiarazione di consenso (versione {version}).",
    "consent.revoked": "Il tuo consenso è revocato e le tue voci e i tuoi campioni sono stati cancellati ({count} voci).",
    "consent.required": "Prima accetta la dichiarazione di consenso: invia /start.",
    "help": (
        "/start – consenso e presentazione\n/newvoice – iniziare una voce\n/train – addestrarla\n"
        "/voices – le tue voci\n/status – i tuoi lavori\n/cancel – annullare un lavoro\n/revoke – revocare il consenso\n"
        "Invia un messaggio vocale per aggiungere un campione; invia un testo per ascoltarlo con la tua voce."
    ),
    "voice.default_name": "La mia voce",
    "voice.name_taken": "Hai già una voce chiamata {name}. Scegli un altro nome: /newvoice <nome>",
    "voice.choose_type": "Nuova voce «{name}». Di che tipo? Più audio dà una voce più somigliante.",
    "voice.not_collecting": "Quella voce non sta aspettando campioni.",
    "tier.instant": "Istantanea (10 s di parlato)",
    "tier.standard": "Standard (1 min)",
    "tier.premium": "Premium (5 min, perfezionata)",
    "tier.professional": "Professionale (15 min, audio pulito)",
    "collect.first": "Invia messaggi vocali leggendo le frasi che ti do (servono {seconds} s di parlato). La prima:\n\n«{sentence}»",
    "collect.no_voice": "Prima inizia una voce: /newvoice <nome>",
    "collect.not_audio": "Non salvato: quel file non è audio. Invia un messaggio vocale o un file audio.",
    "collect.too_large": "Quel file supera i {mb} MB; invia una registrazione più breve.",
    "collect.rejected": "Non salvato: {reason}\nRiprova:\n\n«{sentence}»",
    "collect.kept": "Salvato: {seconds} s di parlato, qualità {quality}.\n{bar}\nLa prossima:\n\n«{sentence}»",
    "collect.kept_ready": "Salvato: {seconds} s di parlato, qualità {quality}.\n{bar}\nBasta per /train, oppure leggi ancora per una voce più somigliante:\n\n«{sentence}»",
    "collect.not_enough": "Non c'è ancora abbastanza parlato: {bar}. Prima invia altri messaggi vocali.",
    "train.queued": "L'addestramento di «{name}» è in coda (posizione {position}).",
    "job.progress": "{step}: {percent}% (mancano circa {eta})",
    "train.done": "La tua voce «{name}» è pronta. Invia un testo qualsiasi e lo dirò.",
    "job.failed": "Non ha funzionato: {reason}",
    "job.cancelled": "Annullato.",
    "speak.no_voice": "Non hai ancora una voce pronta. Iniziane una con /newvoice <nome>.",
    "command.start": "Consenso e presentazione",
    "command.newvoice": "Iniziare una nuova voce",
    "command.train": "Addestrare la voce che stai registrando",
    "command.help": "Cosa so fare",
    "command.revoke": "Revocare il consenso e cancellare le tue voci",
    "error.internal": "Qualcosa è andato storto da parte nostra. Riprova più tardi.",
}
