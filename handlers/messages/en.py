MESSAGES = {
    "welcome": "Hi! I clone voices with consent and speak any text in them. Everything stays on this server.",
    "consent.statement": (
        "Before I keep any recording: I am the person whose voice is in the samples I send, or I have "
        "their explicit permission, and I will not use the cloned voice to impersonate or deceive anyone."
    ),
    "consent.ask": "Do you accept this statement (version {version})?",
    "consent.accept": "I accept",
    "consent.decline": "I decline",
    "consent.accepted": "Thank you, your consent is recorded. Send /newvoice to start a voice.",
    "consent.declined": "Understood. Nothing is kept. Send /start if you change your mind.",
    "consent.already": "You have already accepted the consent statement (version {version}).",
    "consent.revoked": "Your consent is withdrawn and your voices and samples are deleted ({count} voices).",
    "consent.required": "Please accept the consent statement first: send /start.",
    "help": (
        "/start – consent and introduction\n/newvoice – start a voice\n/train – train it\n"
        "/voices – your voices\n/status – your jobs\n/cancel – cancel a job\n/revoke – withdraw consent\n"
        "Send a voice note to add a sample; send text to hear it in your voice."
    ),
    "voice.default_name": "My voice",
    "voice.name_taken": "You already have a voice called {name}. Choose another name: /newvoice <name>",
    "voice.choose_type": "New voice “{name}”. Which kind? More audio gives a closer voice.",
    "voice.not_collecting": "That voice is not waiting for samples.",
    "tier.instant": "Instant (10 s of speech)",
    "tier.standard": "Standard (1 min)",
    "tier.premium": "Premium (5 min, fine-tuned)",
    "tier.professional": "Professional (15 min, clean audio)",
    "collect.first": "Send voice notes reading the sentences I give you ({seconds} s of speech needed). First:\n\n“{sentence}”",
    "collect.no_voice": "Start a voice first: /newvoice <name>",
    "collect.not_audio": "Not kept: that file is not audio. Send a voice note or an audio file.",
    "collect.too_large": "That file is over {mb} MB; send a shorter recording.",
    "collect.rejected": "Not kept: {reason}\nPlease try again:\n\n“{sentence}”",
    "collect.kept": "Kept: {seconds} s of speech, quality {quality}.\n{bar}\nNext:\n\n“{sentence}”",
    "collect.kept_ready": "Kept: {seconds} s of speech, quality {quality}.\n{bar}\nEnough to /train now, or read more for a closer voice:\n\n“{sentence}”",
    "collect.not_enough": "Not enough speech yet: {bar}. Send more voice notes first.",
    "train.queued": "Training “{name}” is queued (position {position}).",
    "job.progress": "{step}: {percent}% (about {eta} left)",
    "train.done": "Your voice “{name}” is ready. Send any text and I will say it.",
    "job.failed": "That did not work: {reason}",
    "job.cancelled": "Cancelled.",
    "speak.no_voice": "You have no ready voice yet. Start one with /newvoice <name>.",
    "command.start": "Consent and introduction",
    "command.newvoice": "Start a new voice",
    "command.train": "Train the voice you are collecting",
    "command.help": "What I can do",
    "command.revoke": "Withdraw consent and delete your voices",
    "error.internal": "Something went wrong on our side. Please try again later.",
}
