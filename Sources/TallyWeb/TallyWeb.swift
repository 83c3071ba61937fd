// TallyWeb
