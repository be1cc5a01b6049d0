"""Reading scripts for guided collection: short sentences per language with varied sounds, a
question, numbers, and a few emotions, read one per voice note."""

from __future__ import annotations

SCRIPTS: dict[str, tuple[str, ...]] = {
    "en": (
        "The quick brown fox jumps over the lazy dog.",
        "Could you call me back at seven thirty, please?",
        "I can't believe we finally won the match! (excited)",
        "She sells sea shells by the sea shore every summer.",
        "It was a quiet, grey morning, and nobody said a word. (sad)",
        "Turn left at the bridge, then walk straight for two hundred metres.",
        "Thank you so much, that is the nicest present ever! (happy)",
        "Please keep your voice calm and steady while you read this. (calm)",
    ),
    "es": (
        "El veloz murciélago hindú comía feliz cardillo y kiwi.",
        "¿Podrías llamarme a las siete y media, por favor?",
        "¡No me lo puedo creer, por fin ganamos el partido! (excited)",
        "La lluvia en Sevilla es una maravilla.",
        "Era una mañana gris y nadie dijo una palabra. (sad)",
        "Gira a la izquierda en el puente y sigue recto doscientos metros.",
        "¡Muchísimas gracias, es el mejor regalo del mundo! (happy)",
        "Lee esto con la voz tranquila y serena. (calm)",
    ),
    "fr": (
        "Portez ce vieux whisky au juge blond qui fume.",
        "Pourriez-vous me rappeler à sept heures et demie, s'il vous plaît ?",
        "Je n'y crois pas, nous avons enfin gagné le match ! (excited)",
        "Les chaussettes de l'archiduchesse sont-elles sèches ?",
        "C'était un matin gris et personne n'a dit un mot. (sad)",
        "Tournez à gauche au pont, puis continuez tout droit sur deux cents mètres.",
        "Merci beaucoup, c'est le plus beau cadeau du monde ! (happy)",
        "Lisez ceci d'une voix calme et posée. (calm)",
    ),
    "de": (
        "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich.",
        "Könntest du mich bitte um halb acht zurückrufen?",
        "Ich kann es nicht glauben, wir haben endlich gewonnen! (excited)",
        "Fischers Fritz fischt frische Fische.",
        "Es war ein grauer Morgen, und niemand sagte ein Wort. (sad)",
        "Biegen Sie an der Brücke links ab und gehen Sie zweihundert Meter geradeaus.",
        "Vielen Dank, das ist das schönste Geschenk überhaupt! (happy)",
        "Lies diesen Satz bitte ruhig und gelassen vor. (calm)",
    ),
    "it": (
        "Quel vituperabile xenofobo zelante assaggia il whisky ed esclama: alleluja!",
        "Potresti richiamarmi alle sette e mezza, per favore?",
        "Non ci posso credere, finalmente abbiamo vinto la partita! (excited)",
        "Trentatré trentini entrarono a Trento tutti e trentatré trotterellando.",
        "Era una mattina grigia e nessuno disse una parola. (sad)",
        "Gira a sinistra al ponte e prosegui dritto per duecento metri.",
        "Grazie mille, è il regalo più bello del mondo! (happy)",
        "Leggi questa frase con voce calma e tranquilla. (calm)",
    ),
    "pt": (
        "Luís argüia à Júlia que «brações, fé, chá, óxido, pôr, zângão» eram palavras do português.",
        "Podes ligar-me de volta às sete e meia, por favor?",
        "Não acredito, finalmente ganhámos o jogo! (excited)",
        "O rato roeu a roupa do rei de Roma.",
        "Era uma manhã cinzenta e ninguém disse uma palavra. (sad)",
        "Vira à esquerda na ponte e segue em frente duzentos metros.",
        "Muito obrigado, é o presente mais bonito do mundo! (happy)",
        "Lê esta frase com uma voz calma e serena. (calm)",
    ),
    "ja": (
        "いろはにほへと、ちりぬるを、わかよたれそ、つねならむ。",
        "七時半に折り返し電話をいただけますか？",
        "信じられない、ついに試合に勝ったよ！ (excited)",
        "隣の客はよく柿食う客だ。",
        "灰色の静かな朝で、誰も一言も話さなかった。 (sad)",
        "橋のところで左に曲がって、二百メートルまっすぐ進んでください。",
        "本当にありがとう、最高のプレゼントです！ (happy)",
        "この文を落ち着いた声でゆっくり読んでください。 (calm)",
    ),
    "ko": (
        "다람쥐 헌 쳇바퀴에 타고파.",
        "일곱 시 반에 다시 전화해 주실 수 있나요?",
        "믿을 수가 없어, 드디어 경기에서 이겼어! (excited)",
        "간장 공장 공장장은 강 공장장이다.",
        "잿빛의 조용한 아침이었고 아무도 말하지 않았다. (sad)",
        "다리에서 왼쪽으로 돌아 이백 미터 직진하세요.",
        "정말 고마워, 최고의 선물이야! (happy)",
        "이 문장을 차분하고 침착한 목소리로 읽어 주세요. (calm)",
    ),
    "zh": (
        "天地玄黄，宇宙洪荒，日月盈昃，辰宿列张。",
        "你能在七点半给我回个电话吗？",
        "真不敢相信，我们终于赢了比赛！ (excited)",
        "四是四，十是十，十四是十四，四十是四十。",
        "那是一个灰蒙蒙的早晨，谁也没有说话。 (sad)",
        "在桥那里左转，然后直走两百米。",
        "太谢谢你了，这是最好的礼物！ (happy)",
        "请用平静、沉稳的声音读这句话。 (calm)",
    ),
}


def sentence(language: str, index: int) -> str:
    lines = SCRIPTS.get(language, SCRIPTS["en"])
    return lines[index % len(lines)]
