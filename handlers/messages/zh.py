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
    "voice.default_name": "我的声音",
    "voice.name_taken": "你已经有一个名为 {name} 的声音。请换个名字：/newvoice <名字>",
    "voice.choose_type": "新声音“{name}”。选择哪种类型？录音越多，声音越像。",
    "voice.not_collecting": "该声音不在收集样本。",
    "tier.instant": "即时（10 秒语音）",
    "tier.standard": "标准（1 分钟）",
    "tier.premium": "高级（5 分钟，微调）",
    "tier.professional": "专业（15 分钟，清晰音频）",
    "collect.first": "请发送朗读我给出句子的语音消息（需要 {seconds} 秒语音）。第一句：\n\n“{sentence}”",
    "collect.no_voice": "请先创建一个声音：/newvoice <名字>",
    "collect.not_audio": "未保存：该文件不是音频。请发送语音消息或音频文件。",
    "collect.too_large": "该文件超过 {mb} MB，请发送更短的录音。",
    "collect.rejected": "未保存：{reason}\n请再试一次：\n\n“{sentence}”",
    "collect.kept": "已保存：{seconds} 秒语音，质量 {quality}。\n{bar}\n下一句：\n\n“{sentence}”",
    "collect.kept_ready": "已保存：{seconds} 秒语音，质量 {quality}。\n{bar}\n现在可以 /train，多读几句声音会更像：\n\n“{sentence}”",
    "collect.not_enough": "语音还不够：{bar}。请先再发送一些语音消息。",
    "train.queued": "“{name}”的训练已排队（第 {position} 位）。",
    "job.progress": "{step}：{percent}%（约剩 {eta}）",
    "train.done": "你的声音“{name}”已准备好。发送任意文字，我就用它朗读。",
    "job.failed": "没有成功：{reason}",
    "job.cancelled": "已取消。",
    "speak.no_voice": "你还没有可用的声音。用 /newvoice <名字> 创建一个。",
    "command.start": "同意与介绍",
    "command.newvoice": "创建新声音",
    "command.train": "训练正在收集的声音",
    "command.help": "我能做什么",
    "command.revoke": "撤回同意并删除你的声音",
    "error.internal": "我们这边出了点问题，请稍后再试。",
}
