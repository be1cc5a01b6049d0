MESSAGES = {
    "welcome": "你好！我在获得同意后克隆声音，并用它朗读任何文字。所有内容都只保存在这台服务器上。",
    "consent.statement": (
        "在我保存任何录音之前：我就是所发送样本中声音的本人，或已获得本人的明确许可，"
        "并且不会使用克隆的声音冒充他人或进行欺骗。"
    ),
    "consent.ask": "你是否接受这份声明（版本 {version}）？",
    "consent.accept": "我接受",
    "consent.decline": "我不接受",
    "consent.accepted": "谢谢，你的同意已记录。发送 /newvoice 开始创建声音。",
    "consent.declined": "明白了。不会保存任何内容。如果改变主意，请发送 /start。",
    "consent.already": "你已经接受了同意声明（版本 {version}）。",
    "consent.revoked": "你的同意已撤回，你的声音和样本已删除（{count} 个声音）。",
    "consent.required": "请先接受同意声明：发送 /start。",
    "help": (
        "/start – 同意与介绍\n/newvoice – 开始创建声音\n/train – 训练声音\n/voices – 你的声音\n"
        "/status – 你的任务\n/cancel – 取消任务\n/revoke – 撤回同意\n"
        "发送语音消息即可添加样本；发送文字即可用你的声音听到它。"
    ),
    "error.internal": "我们这边出了点问题，请稍后再试。",
}
