MESSAGES = {
    "welcome": "¡Hola! Clono voces con consentimiento y digo cualquier texto con ellas. Todo se queda en este servidor.",
    "consent.statement": (
        "Antes de guardar cualquier grabación: soy la persona cuya voz aparece en las muestras que envío, o "
        "tengo su permiso explícito, y no usaré la voz clonada para suplantar ni engañar a nadie."
    ),
    "consent.ask": "¿Aceptas esta declaración (versión {version})?",
    "consent.accept": "Acepto",
    "consent.decline": "No acepto",
    "consent.accepted": "Gracias, tu consentimiento queda registrado. Envía /newvoice para empezar una voz.",
    "consent.declined": "Entendido. No se guarda nada. Envía /start si cambias de opinión.",
    "consent.already": "Ya aceptaste la declaración de consentimiento (versión {version}).",
    "consent.revoked": "Tu consentimiento queda retirado y tus voces y muestras se han borrado ({count} voces).",
    "consent.required": "Primero acepta la declaración de consentimiento: envía /start.",
    "help": (
        "/start – consentimiento y presentación\n/newvoice – empezar una voz\n/train – entrenarla\n"
        "/voices – tus voces\n/status – tus tareas\n/cancel – cancelar una tarea\n/revoke – retirar el consentimiento\n"
        "Envía una nota de voz para añadir una muestra; envía texto para oírlo con tu voz."
    ),
    "voice.default_name": "Mi voz",
    "voice.name_taken": "Ya tienes una voz llamada {name}. Elige otro nombre: /newvoice <nombre>",
    "voice.choose_type": "Nueva voz «{name}». ¿De qué tipo? Con más audio, la voz se parece más.",
    "voice.not_collecting": "Esa voz no está esperando muestras.",
    "tier.instant": "Instantánea (10 s de voz)",
    "tier.standard": "Estándar (1 min)",
    "tier.premium": "Premium (5 min, ajustada)",
    "tier.professional": "Profesional (15 min, audio limpio)",
    "collect.first": "Envía notas de voz leyendo las frases que te doy (hacen falta {seconds} s de voz). La primera:\n\n«{sentence}»",
    "collect.no_voice": "Primero empieza una voz: /newvoice <nombre>",
    "collect.not_audio": "No guardado: ese archivo no es audio. Envía una nota de voz o un archivo de audio.",
    "collect.too_large": "Ese archivo supera los {mb} MB; envía una grabación más corta.",
    "collect.rejected": "No guardado: {reason}\nInténtalo de nuevo:\n\n«{sentence}»",
    "collect.kept": "Guardado: {seconds} s de voz, calidad {quality}.\n{bar}\nSiguiente:\n\n«{sentence}»",
    "collect.kept_ready": "Guardado: {seconds} s de voz, calidad {quality}.\n{bar}\nYa puedes usar /train, o lee más para una voz más parecida:\n\n«{sentence}»",
    "collect.not_enough": "Aún no hay suficiente voz: {bar}. Envía más notas de voz primero.",
    "train.queued": "El entrenamiento de «{name}» está en cola (posición {position}).",
    "job.progress": "{step}: {percent} % (quedan unos {eta})",
    "train.done": "Tu voz «{name}» está lista. Envía cualquier texto y lo diré.",
    "job.failed": "No ha funcionado: {reason}",
    "job.cancelled": "Cancelado.",
    "speak.no_voice": "Todavía no tienes ninguna voz lista. Empieza una con /newvoice <nombre>.",
    "command.start": "Consentimiento y presentación",
    "command.newvoice": "Empezar una voz nueva",
    "command.train": "Entrenar la voz que estás grabando",
    "command.help": "Lo que sé hacer",
    "command.revoke": "Retirar el consentimiento y borrar tus voces",
    "error.internal": "Algo ha fallado por nuestra parte. Inténtalo de nuevo más tarde.",
}
