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
    "voice.default_name": "Ma voix",
    "voice.name_taken": "Vous avez déjà une voix nommée {name}. Choisissez un autre nom : /newvoice <nom>",
    "voice.choose_type": "Nouvelle voix « {name} ». Quel type ? Plus d'audio donne une voix plus fidèle.",
    "voice.not_collecting": "Cette voix n'attend pas d'échantillons.",
    "tier.instant": "Instantanée (10 s de parole)",
    "tier.standard": "Standard (1 min)",
    "tier.premium": "Premium (5 min, affinée)",
    "tier.professional": "Professionnelle (15 min, audio propre)",
    "collect.first": "Envoyez des messages vocaux en lisant les phrases que je vous donne (il faut {seconds} s de parole). Première :\n\n« {sentence} »",
    "collect.no_voice": "Commencez d'abord une voix : /newvoice <nom>",
    "collect.not_audio": "Non conservé : ce fichier n'est pas de l'audio. Envoyez un message vocal ou un fichier audio.",
    "collect.too_large": "Ce fichier dépasse {mb} Mo ; envoyez un enregistrement plus court.",
    "collect.rejected": "Non conservé : {reason}\nRéessayez :\n\n« {sentence} »",
    "collect.kept": "Conservé : {seconds} s de parole, qualité {quality}.\n{bar}\nSuivante :\n\n« {sentence} »",
    "collect.kept_ready": "Conservé : {seconds} s de parole, qualité {quality}.\n{bar}\nC'est assez pour /train, ou lisez encore pour une voix plus fidèle :\n\n« {sentence} »",
    "collect.not_enough": "Pas encore assez de parole : {bar}. Envoyez d'abord d'autres messages vocaux.",
    "train.queued": "L'entraînement de « {name} » est en file d'attente (position {position}).",
    "job.progress": "{step} : {percent} % (encore environ {eta})",
    "train.done": "Votre voix « {name} » est prête. Envoyez n'importe quel texte et je le dirai.",
    "job.failed": "Cela n'a pas fonctionné : {reason}",
    "job.cancelled": "Annulé.",
    "speak.no_voice": "Vous n'avez pas encore de voix prête. Commencez-en une avec /newvoice <nom>.",
    "command.start": "Consentement et présentation",
    "command.newvoice": "Commencer une nouvelle voix",
    "command.train": "Entraîner la voix en cours d'enregistrement",
    "command.help": "Ce que je sais faire",
    "command.revoke": "Retirer le consentement et supprimer vos voix",
    "error.internal": "Un problème est survenu de notre côté. Réessayez plus tard.",
}
