"""What the browser test does in Airflow 3's UI: log in, trigger a DAG from its params form, show a run's grid
and a task's log. Selectors are the UI's own (labels, aria-labels, test ids), no CSS classes."""

from __future__ import annotations

import time
import urllib.parse
from datetime import datetime

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

PAGE_SECONDS = 60
SETTLE_SECONDS = 2.0  # let the page's charts and lists finish drawing before a screenshot


def wait(driver, seconds: float = PAGE_SECONDS) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def log_in(driver, url: str, username: str, password: str) -> None:
    driver.get(f"{url}/")
    wait(driver).until(ready.visibility_of_element_located((By.NAME, "username"))).send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver).until(lambda d: "/auth/login" not in d.current_url)


def replace_text(element, text: str) -> None:
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.BACKSPACE)
    element.send_keys(text)


def open_trigger_form(driver, url: str, dag_id: str) -> None:
    driver.get(f"{url}/dags/{dag_id}")
    wait(driver).until(ready.element_to_be_clickable((By.CSS_SELECTOR, "button[aria-label='Trigger Dag']"))).click()
    wait(driver).until(
        ready.visibility_of_element_located((By.XPATH, f"//*[normalize-space()='Trigger Dag - {dag_id}']"))
    )


def field_labels(driver) -> list[str]:
    """The labels of the open trigger form's fields (a required field's `*` left out)."""
    labels = driver.find_elements(By.XPATH, "//div[@role='dialog']//label[@data-part='label']")
    return [label.text.removesuffix("*").strip() for label in labels if label.text.strip()]


def set_logical_date(driver, logical_date: datetime) -> None:
    """The form's date picker: its Date and Time fields (UTC, as the UI shows)."""
    picker = driver.find_element(By.CSS_SELECTOR, "[data-testid=datetime-input]")
    picker.click()
    date_field, time_field = wait(driver).until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, "[data-scope=popover][data-part=content][data-state=open] input") or None
        )
    )[:2]
    replace_text(date_field, logical_date.strftime("%Y/%m/%d"))
    replace_text(time_field, logical_date.strftime("%H:%M"))
    driver.find_element(By.XPATH, "//label[normalize-space()='Logical Date']").click()
    shown = logical_date.strftime("%b %d, %Y %H:%M")
    wait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=datetime-input]").text == shown)


def submit_trigger(driver, params: dict[str, str]) -> None:
    """Fill text params, untick "Unpause on trigger", press the form's Trigger button.

    The DAG stays paused: the caller unpauses it once the run exists. (Airflow 3.3 with SQLite: unpausing
    in the trigger's own request lets the scheduler race to insert the scheduled run of the same logical
    date, and the scheduler dies of the unique constraint.)
    """
    for name, value in params.items():
        replace_text(driver.find_element(By.ID, f"element_{name}"), value)
    unpause = driver.find_element(By.XPATH, "//label[contains(., 'on trigger')]//input[@type='checkbox']")
    if unpause.is_selected():
        driver.find_element(By.XPATH, "//label[contains(., 'on trigger')]").click()
    button = driver.find_element(By.XPATH, "//div[@role='dialog']//button[normalize-space()='Trigger']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    wait(driver).until(ready.visibility_of_element_located((By.XPATH, "//*[contains(., 'Dag Run Triggered')]")))


def run_path(dag_id: str, run_id: str) -> str:
    return f"/dags/{dag_id}/runs/{urllib.parse.quote(run_id, safe='')}"


def show_grid(driver, url: str, dag_id: str, run_id: str, task_ids: list[str]) -> None:
    """The run's page with its grid, once every task's name is drawn."""
    driver.get(url + run_path(dag_id, run_id))
    for task_id in task_ids:
        wait(driver).until(ready.visibility_of_element_located((By.XPATH, f"//*[normalize-space()='{task_id}']")))
    time.sleep(SETTLE_SECONDS)


def show_task_log(driver, url: str, dag_id: str, run_id: str, task_id: str, line: str) -> None:
    """The task's log tab, once `line` (a text of its log) is shown."""
    driver.get(f"{url}{run_path(dag_id, run_id)}/tasks/{task_id}")
    wait(driver).until(ready.visibility_of_element_located((By.XPATH, f"//*[contains(text(), {line!r})]")))
    time.sleep(SETTLE_SECONDS)
