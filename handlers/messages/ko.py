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
    "voice.default_name": "내 목소리",
    "voice.name_taken": "이미 {name}(이)라는 목소리가 있습니다. 다른 이름을 고르세요: /newvoice <이름>",
    "voice.choose_type": "새 목소리 “{name}”. 어떤 종류로 할까요? 녹음이 많을수록 더 비슷해집니다.",
    "voice.not_collecting": "그 목소리는 샘플을 기다리고 있지 않습니다.",
    "tier.instant": "인스턴트 (음성 10초)",
    "tier.standard": "스탠다드 (1분)",
    "tier.premium": "프리미엄 (5분, 미세 조정)",
    "tier.professional": "프로페셔널 (15분, 깨끗한 음성)",
    "collect.first": "제가 드리는 문장을 읽은 음성 메시지를 보내 주세요 (음성 {seconds}초 필요). 첫 문장:\n\n“{sentence}”",
    "collect.no_voice": "먼저 목소리를 만드세요: /newvoice <이름>",
    "collect.not_audio": "저장하지 않음: 그 파일은 오디오가 아닙니다. 음성 메시지나 오디오 파일을 보내 주세요.",
    "collect.too_large": "그 파일은 {mb}MB를 넘습니다. 더 짧은 녹음을 보내 주세요.",
    "collect.rejected": "저장하지 않음: {reason}\n다시 해 주세요:\n\n“{sentence}”",
    "collect.kept": "저장함: 음성 {seconds}초, 품질 {quality}.\n{bar}\n다음 문장:\n\n“{sentence}”",
    "collect.kept_ready": "저장함: 음성 {seconds}초, 품질 {quality}.\n{bar}\n이제 /train 할 수 있고, 더 읽으면 더 비슷해집니다:\n\n“{sentence}”",
    "collect.not_enough": "아직 음성이 부족합니다: {bar}. 먼저 음성 메시지를 더 보내 주세요.",
    "train.queued": "“{name}” 학습이 대기열에 들어갔습니다 ({position}번째).",
    "job.progress": "{step}: {percent}% (약 {eta} 남음)",
    "train.done": "목소리 “{name}”이(가) 준비되었습니다. 아무 글이나 보내면 읽어 드립니다.",
    "job.failed": "실패했습니다: {reason}",
    "job.cancelled": "취소되었습니다.",
    "speak.no_voice": "아직 준비된 목소리가 없습니다. /newvoice <이름> 으로 만들어 보세요.",
    "command.start": "동의와 소개",
    "command.newvoice": "새 목소리 만들기",
    "command.train": "녹음 중인 목소리 학습하기",
    "command.help": "제가 할 수 있는 일",
    "command.revoke": "동의 철회 및 목소리 삭제",
    "error.internal": "저희 쪽에 문제가 생겼습니다. 잠시 후 다시 시도해 주세요.",
}
