package generators

import (
	"fmt"

	"github.com/ftpswiz/ftpswiz/schema"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// answersRenderers returns the renderer of answers.yaml: the normalised
// answers (every default filled in, an automatic vsftpd flavour resolved),
// so the outputs can be reproduced exactly with
// `ftpswiz generate --answers answers.yaml`.
func answersRenderers() []Renderer {
	return []Renderer{{
		Name: "answers",
		Render: func(p *wizard.Plan) ([]File, error) {
			data, err := AnswersFile(p.Answers)
			if err != nil {
				return nil, fmt.Errorf("answers.yaml: %w", err)
			}
			return []File{{Path: AnswersPath, Mode: 0o644, Content: data,
				Desc: Desc{What: "your answers, normalised; the regenerate command reads it"}}}, nil
		},
	}}
}

// AnswersFile encodes answers as an answers file: the first line points
// editors to the schema (`ftpswiz schema`), then the YAML.
func AnswersFile(a wizard.Answers) ([]byte, error) {
	data, err := wizard.EncodeAnswers(a)
	if err != nil {
		return nil, err
	}
	return append([]byte(schema.Modeline+"\n"), data...), nil
}
