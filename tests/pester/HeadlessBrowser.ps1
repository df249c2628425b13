# Headless chromium for the tests that open a report as a person would. Dot-sourced by Report.Tests and LabDay.Tests.

# The chromium on PATH, or $null (the callers then skip, saying so; CI installs it with apt-get install chromium).
function Get-Chromium {
    Get-Command chromium, chromium-browser, google-chrome -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
}

# The DOM of $Html after the page has loaded and $Check (a <script> that writes its findings into the DOM) has run:
# a copy of the page with the script before </body>, opened from $Folder with a profile of its own.
function Get-CheckedDom($Chromium, [string] $Html, [string] $Check, [string] $Folder, [string] $Name, [int] $TimeBudget = 10000) {
    $probe = Join-Path $Folder "$Name.html"
    Set-Content -Path $probe -Value ($Html -replace '</body>', "$Check</body>") -Encoding utf8NoBOM
    # ([Uri]'/path' casts to an empty relative URI in PowerShell; Uri's constructor makes the file:// URI.)
    $chromeArgs = @('--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', "--user-data-dir=$(Join-Path $Folder "$Name-profile")",
        "--virtual-time-budget=$TimeBudget", '--dump-dom', [Uri]::new($probe).AbsoluteUri)
    (& $Chromium.Source @chromeArgs 2>$null) -join "`n"
}
