"""The needs survey (the programme's content-need analysis): questions, answers, words."""
