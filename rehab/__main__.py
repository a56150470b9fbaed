from rehab.cli import main

main()
