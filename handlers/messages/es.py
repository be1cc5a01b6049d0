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
    "error.internal": "Algo ha fallado por nuestra parte. Inténtalo de nuevo más tarde.",
}
