// TallyTestSupport
