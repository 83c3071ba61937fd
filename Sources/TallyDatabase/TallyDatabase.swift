// TallyDatabase
