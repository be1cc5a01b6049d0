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
    "error.internal": "Something went wrong on our side. Please try again later.",
}
