MESSAGES = {
    "welcome": "Bonjour ! Je clone des voix avec consentement et je leur fais dire n'importe quel texte. Tout reste sur ce serveur.",
    "consent.statement": (
        "Avant que je conserve un enregistrement : je suis la personne dont la voix figure dans les échantillons "
        "que j'envoie, ou j'ai son autorisation explicite, et je n'utiliserai pas la voix clonée pour usurper "
        "l'identité de quelqu'un ni pour tromper."
    ),
    "consent.ask": "Acceptez-vous cette déclaration (version {version}) ?",
    "consent.accept": "J'accepte",
    "consent.decline": "Je refuse",
    "consent.accepted": "Merci, votre consentement est enregistré. Envoyez /newvoice pour commencer une voix.",
    "consent.declined": "Compris. Rien n'est conservé. Envoyez /start si vous changez d'avis.",
    "consent.already": "Vous avez déjà accepté la déclaration de consentement (version {version}).",
    "consent.revoked": "Votre consentement est retiré et vos voix et échantillons sont supprimés ({count} voix).",
    "consent.required": "Acceptez d'abord la déclaration de consentement : envoyez /start.",
    "help": (
        "/start – consentement et présentation\n/newvoice – commencer une voix\n/train – l'entraîner\n"
        "/voices – vos voix\n/status – vos tâches\n/cancel – annuler une tâche\n/revoke – retirer le consentement\n"
        "Envoyez un message vocal pour ajouter un échantillon ; envoyez du texte pour l'entendre avec votre voix."
    ),
    "error.internal": "Un problème est survenu de notre côté. Réessayez plus tard.",
}
