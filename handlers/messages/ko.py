MESSAGES = {
    "welcome": "안녕하세요! 동의를 받아 목소리를 복제하고 그 목소리로 어떤 글이든 읽어 드립니다. 모든 것은 이 서버에만 남습니다.",
    "consent.statement": (
        "녹음을 저장하기 전에: 제가 보내는 샘플의 목소리는 제 목소리이거나 본인의 명시적인 허락을 받았으며, "
        "복제된 목소리를 다른 사람을 사칭하거나 속이는 데 사용하지 않겠습니다."
    ),
    "consent.ask": "이 동의서(버전 {version})에 동의하십니까?",
    "consent.accept": "동의합니다",
    "consent.decline": "동의하지 않습니다",
    "consent.accepted": "감사합니다. 동의가 기록되었습니다. /newvoice 를 보내 목소리 만들기를 시작하세요.",
    "consent.declined": "알겠습니다. 아무것도 저장하지 않습니다. 마음이 바뀌면 /start 를 보내 주세요.",
    "consent.already": "이미 동의서(버전 {version})에 동의하셨습니다.",
    "consent.revoked": "동의가 철회되었고 목소리와 샘플이 삭제되었습니다(목소리 {count}개).",
    "consent.required": "먼저 동의서에 동의해 주세요: /start 를 보내 주세요.",
    "help": (
        "/start – 동의와 소개\n/newvoice – 목소리 만들기 시작\n/train – 학습하기\n/voices – 내 목소리\n"
        "/status – 내 작업\n/cancel – 작업 취소\n/revoke – 동의 철회\n"
        "음성 메시지를 보내면 샘플로 추가되고, 텍스트를 보내면 내 목소리로 들려 드립니다."
    ),
    "error.internal": "저희 쪽에 문제가 생겼습니다. 잠시 후 다시 시도해 주세요.",
}
