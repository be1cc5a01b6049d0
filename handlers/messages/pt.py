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
    "voice.default_name": "A minha voz",
    "voice.name_taken": "Já tem uma voz chamada {name}. Escolha outro nome: /newvoice <nome>",
    "voice.choose_type": "Nova voz «{name}». De que tipo? Mais áudio dá uma voz mais parecida.",
    "voice.not_collecting": "Essa voz não está à espera de amostras.",
    "tier.instant": "Instantânea (10 s de fala)",
    "tier.standard": "Padrão (1 min)",
    "tier.premium": "Premium (5 min, afinada)",
    "tier.professional": "Profissional (15 min, áudio limpo)",
    "collect.first": "Envie mensagens de voz a ler as frases que lhe dou (são precisos {seconds} s de fala). A primeira:\n\n«{sentence}»",
    "collect.no_voice": "Comece primeiro uma voz: /newvoice <nome>",
    "collect.not_audio": "Não guardado: esse ficheiro não é áudio. Envie uma mensagem de voz ou um ficheiro de áudio.",
    "collect.too_large": "Esse ficheiro tem mais de {mb} MB; envie uma gravação mais curta.",
    "collect.rejected": "Não guardado: {reason}\nTente de novo:\n\n«{sentence}»",
    "collect.kept": "Guardado: {seconds} s de fala, qualidade {quality}.\n{bar}\nA seguir:\n\n«{sentence}»",
    "collect.kept_ready": "Guardado: {seconds} s de fala, qualidade {quality}.\n{bar}\nJá chega para /train, ou leia mais para uma voz mais parecida:\n\n«{sentence}»",
    "collect.not_enough": "Ainda não há fala suficiente: {bar}. Envie primeiro mais mensagens de voz.",
    "train.queued": "O treino de «{name}» está na fila (posição {position}).",
    "job.progress": "{step}: {percent}% (faltam cerca de {eta})",
    "train.done": "A sua voz «{name}» está pronta. Envie qualquer texto e eu digo-o.",
    "job.failed": "Não resultou: {reason}",
    "job.cancelled": "Cancelado.",
    "speak.no_voice": "Ainda não tem nenhuma voz pronta. Comece uma com /newvoice <nome>.",
    "command.start": "Consentimento e apresentação",
    "command.newvoice": "Começar uma voz nova",
    "command.train": "Treinar a voz que está a gravar",
    "command.help": "O que sei fazer",
    "command.revoke": "Retirar o consentimento e apagar as suas vozes",
    "error.internal": "Algo correu mal do nosso lado. Tente novamente mais tarde.",
}
