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
    "error.internal": "Qualcosa è andato storto da parte nostra. Riprova più tardi.",
}
