package wizard

import "errors"

// Decide validates the answers and turns them into an explained Plan. It is
// pure: same answers, same plan. Invalid answers return a *ValidationError
// listing every problem.
func Decide(a Answers) (*Plan, error) {
	return nil, errors.New("Decide: being written")
}
