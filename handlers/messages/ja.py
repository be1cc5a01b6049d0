MESSAGES = {
    "welcome": "こんにちは！同意を得た上で声を複製し、その声で好きな文章を読み上げます。すべてこのサーバー内に保存されます。",
    "consent.statement": (
        "録音を保存する前に：送信するサンプルの声は私自身のものであるか、本人から明確な許可を得ています。"
        "複製した声を使って他人になりすましたり、人をだましたりしません。"
    ),
    "consent.ask": "この同意文（バージョン {version}）に同意しますか？",
    "consent.accept": "同意する",
    "consent.decline": "同意しない",
    "consent.accepted": "ありがとうございます。同意を記録しました。/newvoice で声の作成を始めましょう。",
    "consent.declined": "承知しました。何も保存しません。気が変わったら /start を送ってください。",
    "consent.already": "同意文（バージョン {version}）にはすでに同意済みです。",
    "consent.revoked": "同意を取り消し、声とサンプルを削除しました（{count} 件の声）。",
    "consent.required": "まず同意文に同意してください：/start を送ってください。",
    "help": (
        "/start – 同意と紹介\n/newvoice – 声の作成を始める\n/train – 学習する\n/voices – あなたの声\n"
        "/status – あなたのジョブ\n/cancel – ジョブを取り消す\n/revoke – 同意を取り消す\n"
        "ボイスメッセージを送るとサンプルに追加されます。テキストを送るとあなたの声で読み上げます。"
    ),
    "error.internal": "こちらで問題が発生しました。しばらくしてからもう一度お試しください。",
}
