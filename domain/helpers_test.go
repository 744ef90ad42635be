package domain_test

import (
	"context"
	"os"

	"tally/domain"
)

func importPath(s *domain.ImportService, path string) (domain.ImportResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return domain.ImportResult{}, err
	}
	defer f.Close()
	return s.Import(context.Background(), domain.ImportRequest{Name: path, Reader: f, Options: domain.ImportOptions{Currency: domain.MustCurrency("USD")}})
}

func createFile(path string) (*os.File, error) { return os.Create(path) }
