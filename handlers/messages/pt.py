MESSAGES = {
    "welcome": "Olá! Clono vozes com consentimento e digo qualquer texto com elas. Tudo fica neste servidor.",
    "consent.statement": (
        "Antes de guardar qualquer gravação: sou a pessoa cuja voz está nas amostras que envio, ou tenho a sua "
        "autorização explícita, e não vou usar a voz clonada para me fazer passar por alguém nem para enganar."
    ),
    "consent.ask": "Aceita esta declaração (versão {version})?",
    "consent.accept": "Aceito",
    "consent.decline": "Não aceito",
    "consent.accepted": "Obrigado, o seu consentimento ficou registado. Envie /newvoice para começar uma voz.",
    "consent.declined": "Entendido. Nada é guardado. Envie /start se mudar de ideias.",
    "consent.already": "Já aceitou a declaração de consentimento (versão {version}).",
    "consent.revoked": "O seu consentimento foi retirado e as suas vozes e amostras foram apagadas ({count} vozes).",
    "consent.required": "Aceite primeiro a declaração de consentimento: envie /start.",
    "help": (
        "/start – consentimento e apresentação\n/newvoice – começar uma voz\n/train – treiná-la\n"
        "/voices – as suas vozes\n/status – as suas tarefas\n/cancel – cancelar uma tarefa\n"
        "/revoke – retirar o consentimento\n"
        "Envie uma mensagem de voz para juntar uma amostra; envie texto para o ouvir com a sua voz."
    ),
    "error.internal": "Algo correu mal do nosso lado. Tente novamente mais tarde.",
}
