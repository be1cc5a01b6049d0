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
    "voice.default_name": "わたしの声",
    "voice.name_taken": "「{name}」という声はすでにあります。別の名前を選んでください：/newvoice <名前>",
    "voice.choose_type": "新しい声「{name}」。どの種類にしますか？録音が多いほど本人に近づきます。",
    "voice.not_collecting": "その声はサンプルを受け付けていません。",
    "tier.instant": "インスタント（音声 10 秒）",
    "tier.standard": "スタンダード（1 分）",
    "tier.premium": "プレミアム（5 分、ファインチューニング）",
    "tier.professional": "プロフェッショナル（15 分、クリアな音声）",
    "collect.first": "表示する文を読み上げたボイスメッセージを送ってください（音声が {seconds} 秒必要です）。最初の文：\n\n「{sentence}」",
    "collect.no_voice": "まず声を作成してください：/newvoice <名前>",
    "collect.not_audio": "保存していません：そのファイルは音声ではありません。ボイスメッセージか音声ファイルを送ってください。",
    "collect.too_large": "そのファイルは {mb} MB を超えています。もっと短い録音を送ってください。",
    "collect.rejected": "保存していません：{reason}\nもう一度どうぞ：\n\n「{sentence}」",
    "collect.kept": "保存しました：音声 {seconds} 秒、品質 {quality}。\n{bar}\n次の文：\n\n「{sentence}」",
    "collect.kept_ready": "保存しました：音声 {seconds} 秒、品質 {quality}。\n{bar}\n/train できます。さらに読むと本人により近づきます：\n\n「{sentence}」",
    "collect.not_enough": "音声がまだ足りません：{bar}。先にボイスメッセージを追加してください。",
    "train.queued": "「{name}」の学習を待ち行列に入れました（{position} 番目）。",
    "job.progress": "{step}：{percent}%（残り約 {eta}）",
    "train.done": "声「{name}」の準備ができました。テキストを送ると読み上げます。",
    "job.failed": "うまくいきませんでした：{reason}",
    "job.cancelled": "取り消しました。",
    "speak.no_voice": "まだ使える声がありません。/newvoice <名前> で作成してください。",
    "command.start": "同意と紹介",
    "command.newvoice": "新しい声を作る",
    "command.train": "録音中の声を学習する",
    "command.help": "できること",
    "command.revoke": "同意を取り消して声を削除する",
    "error.internal": "こちらで問題が発生しました。しばらくしてからもう一度お試しください。",
}
